/// Swift names for schema names.
enum Naming {
    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
        "internal", "let", "open", "operator", "private", "protocol", "public", "rethrows", "static", "struct",
        "subscript", "typealias", "var", "break", "case", "continue", "default", "defer", "do", "else", "fallthrough",
        "for", "guard", "if", "in", "repeat", "return", "switch", "where", "while", "as", "Any", "catch", "false",
        "is", "nil", "super", "self", "Self", "throw", "throws", "true", "try", "some", "any", "Type",
    ]

    /// "TopicData" -> "topicData"; leading acronyms are lowered whole ("IsrNodes" -> "isrNodes").
    static func property(_ name: String) -> String {
        guard let first = name.first else { return name }
        return first.lowercased() + name.dropFirst()
    }

    static func escaped(_ identifier: String) -> String {
        keywords.contains(identifier) ? "`\(identifier)`" : identifier
    }

    /// "ProduceRequest" -> "produce" (for the ApiKey enum).
    static func apiCase(_ requestName: String) -> String {
        property(String(requestName.dropLast("Request".count)))
    }

    static func docComment(_ about: String?, indent: String) -> String {
        guard let about, !about.isEmpty else { return "" }
        let line = about.replacingOccurrences(of: "\n", with: " ")
        return "\(indent)/// \(line)\n"
    }
}
