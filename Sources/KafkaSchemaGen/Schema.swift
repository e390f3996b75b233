import Foundation

/// One schema file, parsed. Spec types only hold what the JSON says; emitters are separate.
struct MessageSpec {
    var name: String
    var type: String  // request, response, header, data
    var apiKey: Int?
    var validVersions: Versions
    var flexibleVersions: Versions
    var listeners: [String]
    var fields: [FieldSpec]
    var commonStructs: [StructSpec]
}

struct StructSpec {
    var name: String
    var versions: Versions
    var fields: [FieldSpec]
}

struct FieldSpec {
    var name: String
    var type: FieldType
    var versions: Versions
    var nullableVersions: Versions
    var taggedVersions: Versions
    var tag: Int?
    var flexibleVersionsOverride: Versions?
    var defaultValue: String?
    var about: String?
    /// Inline struct fields for array-of-struct and struct types.
    var fields: [FieldSpec]?
}

indirect enum FieldType: Equatable {
    case bool, int8, int16, uint16, int32, uint32, int64, float64, string, bytes, uuid, records
    case structure(String)
    case array(FieldType)

    init(parsing raw: String) {
        if raw.hasPrefix("[]") {
            self = .array(FieldType(parsing: String(raw.dropFirst(2))))
            return
        }
        switch raw {
        case "bool": self = .bool
        case "int8": self = .int8
        case "int16": self = .int16
        case "uint16": self = .uint16
        case "int32": self = .int32
        case "uint32": self = .uint32
        case "int64": self = .int64
        case "float64": self = .float64
        case "string": self = .string
        case "bytes": self = .bytes
        case "uuid": self = .uuid
        case "records": self = .records
        default: self = .structure(raw)
        }
    }

    var isStruct: Bool {
        if case .structure = self { return true }
        return false
    }

    var isArray: Bool {
        if case .array = self { return true }
        return false
    }
}

enum SchemaLoader {
    /// Kafka's schema files are JSON with `//` line comments.
    static func stripComments(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var inString = false
            var escaped = false
            var cut = line.endIndex
            var i = line.startIndex
            while i < line.endIndex {
                let c = line[i]
                if inString {
                    if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                } else if c == "\"" {
                    inString = true
                } else if c == "/", line.index(after: i) < line.endIndex, line[line.index(after: i)] == "/" {
                    cut = i
                    break
                }
                i = line.index(after: i)
            }
            out += line[..<cut]
            out += "\n"
        }
        return out
    }

    static func load(_ url: URL) throws -> MessageSpec {
        let text = try String(contentsOf: url, encoding: .utf8)
        let data = Data(stripComments(text).utf8)
        guard let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw GeneratorError("\(url.lastPathComponent): not a JSON object")
        }
        return try parseMessage(json, file: url.lastPathComponent)
    }

    static func parseMessage(_ json: [String: Any], file: String) throws -> MessageSpec {
        guard let name = json["name"] as? String, let type = json["type"] as? String else {
            throw GeneratorError("\(file): missing name or type")
        }
        let valid = try Versions(parsing: json["validVersions"] as? String ?? "none")
        let flexible = try Versions(parsing: json["flexibleVersions"] as? String ?? "none")
        let fields = try (json["fields"] as? [[String: Any]] ?? []).map { try parseField($0, file: file) }
        let common = try (json["commonStructs"] as? [[String: Any]] ?? []).map { s -> StructSpec in
            guard let sname = s["name"] as? String else { throw GeneratorError("\(file): common struct without name") }
            let versions = try Versions(parsing: s["versions"] as? String ?? "0+")
            let sfields = try (s["fields"] as? [[String: Any]] ?? []).map { try parseField($0, file: file) }
            return StructSpec(name: sname, versions: versions, fields: sfields)
        }
        return MessageSpec(
            name: name, type: type, apiKey: json["apiKey"] as? Int, validVersions: valid,
            flexibleVersions: flexible, listeners: json["listeners"] as? [String] ?? [],
            fields: fields, commonStructs: common)
    }

    static func parseField(_ json: [String: Any], file: String) throws -> FieldSpec {
        guard let name = json["name"] as? String, let rawType = json["type"] as? String else {
            throw GeneratorError("\(file): field without name or type")
        }
        let sub = try (json["fields"] as? [[String: Any]]).map { try $0.map { try parseField($0, file: file) } }
        let def: String?
        if let s = json["default"] as? String { def = s } else if let n = json["default"] as? Int { def = String(n) } else if let b = json["default"] as? Bool { def = b ? "true" : "false" } else { def = nil }
        return FieldSpec(
            name: name,
            type: FieldType(parsing: rawType.trimmingCharacters(in: .whitespaces)),
            versions: try Versions(parsing: json["versions"] as? String ?? "none"),
            nullableVersions: try Versions(parsing: json["nullableVersions"] as? String ?? "none"),
            taggedVersions: try Versions(parsing: json["taggedVersions"] as? String ?? "none"),
            tag: json["tag"] as? Int,
            flexibleVersionsOverride: try (json["flexibleVersions"] as? String).map { try Versions(parsing: $0) },
            defaultValue: def,
            about: json["about"] as? String,
            fields: sub)
    }
}
