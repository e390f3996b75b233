import KafkaProtocol

/// Kafka's topic name rules (clients/.../internals/Topic.java).
public enum TopicNameRules {
    public static let maxLength = 249

    /// nil if valid, else the reason.
    public static func problem(with name: String) -> String? {
        if name.isEmpty { return "Topic name is illegal, it can't be empty" }
        if name == "." || name == ".." { return "Topic name cannot be \".\" or \"..\"" }
        if name.utf8.count > maxLength {
            return "Topic name is illegal, it can't be longer than \(maxLength) characters, topic name: \(name)"
        }
        for c in name.utf8 {
            let ok = (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39)
                || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
            if !ok {
                return "Topic name \(name) is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'"
            }
        }
        return nil
    }

    /// Topics whose names differ only by '.' versus '_' collide in metric names; Kafka refuses them.
    public static func collisionKey(_ name: String) -> String {
        name.replacingOccurrences(of: ".", with: "_")
    }
}
