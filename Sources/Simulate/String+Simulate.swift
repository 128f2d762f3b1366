/// Small string helpers the simulator's parsers share.
extension String {
    /// `example.com.` -> `example.com` (a lone `.` stays).
    func trimmingTrailingDot() -> String {
        count > 1 && hasSuffix(".") ? String(dropLast()) : self
    }

    /// Drops leading and trailing characters in `set` (`<a@b>` -> `a@b` with `["<", ">"]`).
    func trimmingCharacters(in set: Set<Character>) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
