/// What a server sent, made safe for a terminal. A hostile or broken server can put ESC, BEL,
/// NUL, C1 controls (CSI U+009B is an escape sequence on some terminals) or bidi overrides into
/// its replies; printed raw they would move the cursor, retitle the window or reorder the line.
///
/// C0 controls and DEL print as `\xNN`, C1 controls, bidi controls and the Unicode line and
/// paragraph separators as `\uNNNN`; everything else as it is. Invalid UTF-8 already arrives as
/// `\xNN` (`SMTPReply.lines`), so a literal backslash sequence from the server looks the same:
/// the text is for reading, `--format json` is for exactness.
public enum PrintableText {
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else { out.unicodeScalars.append(scalar); continue }
            let hex = String(scalar.value, radix: 16)
            if scalar.value < 0x80 {
                out += "\\x" + (hex.count < 2 ? "0" : "") + hex
            } else {
                out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            }
        }
        return out
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        // LRM, RLM, ALM; embeddings and overrides; isolates; line and paragraph separators.
        case 0x200E, 0x200F, 0x061C, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: true
        default: false
        }
    }
}
