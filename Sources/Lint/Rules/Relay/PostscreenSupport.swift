import PostfixConfig

/// What the postscreen rules share: where postscreen runs and how its DNS list entries read.
enum PostscreenSupport {
    /// master.cf services that run postscreen (nil master.cf: none; postscreen is never a default).
    static func services(_ config: PostfixConfigSet) -> [MasterService] {
        config.masterCf?.services.filter { $0.command == "postscreen" } ?? []
    }

    /// `zone[=filter][*weight]` split into its parts.
    struct Site {
        var zone: String
        var filter: String?
        var weight: Int
    }

    static func site(_ text: String) -> Site {
        var rest = Substring(text)
        var weight = 1
        if let star = rest.lastIndex(of: "*") {
            weight = Int(rest[rest.index(after: star)...]) ?? 1
            rest = rest[..<star]
        }
        if let eq = rest.firstIndex(of: "=") {
            return Site(zone: String(rest[..<eq]), filter: String(rest[rest.index(after: eq)...]), weight: weight)
        }
        return Site(zone: String(rest), filter: nil, weight: weight)
    }
}
