/// Reads Java-style `.properties` text the way Kafka's server.properties is read: `#` and `!`
/// comments, `key=value`, `key: value` or `key value`, backslash line continuation and the
/// usual escapes (\t, \n, \r, \f, \uXXXX, \<char>). Keys and values are trimmed; a later
/// duplicate replaces an earlier one.
public enum PropertiesParser {
    public static func parse(_ text: String, source: String = "properties") throws(ConfigError) -> [String: String] {
        var result: [String: String] = [:]
        for (number, line) in logicalLines(text) {
            let (rawKey, rawValue) = split(line)
            let key = try unescape(rawKey, source: source, line: number).trimmingASCIIWhitespace()
            let value = try unescape(rawValue, source: source, line: number).trimmingASCIIWhitespace()
            if key.isEmpty { continue }
            result[key] = value
        }
        return result
    }

    /// Joins continuation lines and drops blank and comment lines. Each entry keeps the number of
    /// its first physical line, for error messages.
    static func logicalLines(_ text: String) -> [(Int, [Character])] {
        var out: [(Int, [Character])] = []
        var pending: [Character]? = nil
        var pendingStart = 0
        let physical = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
        for (offset, raw) in physical.enumerated() {
            var chars = Array(raw.drop { $0 == " " || $0 == "\t" || $0 == "\u{0C}" })
            if pending == nil {
                if chars.isEmpty || chars[0] == "#" || chars[0] == "!" { continue }
                pendingStart = offset + 1
            }
            let continues = trailingBackslashes(chars) % 2 == 1
            if continues { chars.removeLast() }
            pending = (pending ?? []) + chars
            if !continues, let line = pending {
                out.append((pendingStart, line))
                pending = nil
            }
        }
        if let line = pending { out.append((pendingStart, line)) }
        return out
    }

    private static func trailingBackslashes(_ chars: [Character]) -> Int {
        var count = 0
        for c in chars.reversed() {
            guard c == "\\" else { break }
            count += 1
        }
        return count
    }

    /// Splits at the first unescaped '=', ':' or whitespace; the separator and the whitespace
    /// around it are not part of either side.
    static func split(_ line: [Character]) -> (key: [Character], value: [Character]) {
        var i = 0
        var escaped = false
        while i < line.count {
            let c = line[i]
            if escaped {
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "=" || c == ":" || c == " " || c == "\t" || c == "\u{0C}" {
                break
            }
            i += 1
        }
        let key = Array(line[..<i])
        var j = i
        while j < line.count, line[j] == " " || line[j] == "\t" || line[j] == "\u{0C}" { j += 1 }
        if j < line.count, line[j] == "=" || line[j] == ":" {
            j += 1
            while j < line.count, line[j] == " " || line[j] == "\t" || line[j] == "\u{0C}" { j += 1 }
        }
        return (key, Array(line[j...]))
    }

    static func unescape(_ chars: [Character], source: String, line: Int) throws(ConfigError) -> String {
        var out = ""
        var i = 0
        while i < chars.count {
            let c = chars[i]
            i += 1
            guard c == "\\", i < chars.count else {
                if c != "\\" { out.append(c) }
                continue
            }
            let next = chars[i]
            i += 1
            switch next {
            case "t": out.append("\t")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "f": out.append("\u{0C}")
            case "u":
                let hex = String(chars[i..<min(i + 4, chars.count)])
                guard hex.count == 4, let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                    throw ConfigError(key: nil, "Line \(line) of \(source) has a malformed \\u escape; write it as \\u followed by four hex digits.")
                }
                out.unicodeScalars.append(scalar)
                i += 4
            default: out.append(next)
            }
        }
        return out
    }
}
