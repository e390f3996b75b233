/// Writes one Swift struct (a message or a nested struct) with its decoder and encoder.
struct StructEmitter {
    let name: String
    let fields: [FieldSpec]
    /// Versions in which this struct can be decoded (narrowing base for version checks).
    let possible: Versions
    let flexible: Versions
    let structs: [String: StructSpec]
    let conformance: String
    let header: [String]  // extra static members (apiKey etc.)

    private var hasTagged: Bool { !flexible.intersect(possible).isEmpty }

    func emit(indent: String) throws -> String {
        var out = ""
        out += "\(indent)public struct \(name): \(conformance) {\n"
        let i1 = indent + "    "
        for line in header { out += i1 + line + "\n" }
        if !header.isEmpty { out += "\n" }
        for field in fields {
            out += Naming.docComment(field.about, indent: i1)
            out += "\(i1)public var \(Naming.escaped(Naming.property(field.name))): \(try swiftType(field))\n"
        }
        if hasTagged { out += "\(i1)public var unknownTaggedFields: [RawTaggedField]\n" }
        out += "\n"
        out += try emitMemberwiseInit(indent: i1)
        out += "\n"
        out += try emitDecoder(indent: i1)
        out += "\n"
        out += try emitEncoder(indent: i1)
        out += "\(indent)}\n"
        return out
    }

    // MARK: types and defaults

    func isOptional(_ field: FieldSpec) -> Bool {
        if field.type == .records { return true }
        switch field.type {
        case .string, .bytes, .array, .structure:
            return !field.nullableVersions.intersect(field.versions).isEmpty
        default:
            return false
        }
    }

    func baseType(_ type: FieldType) throws -> String {
        switch type {
        case .bool: return "Bool"
        case .int8: return "Int8"
        case .int16: return "Int16"
        case .uint16: return "UInt16"
        case .int32: return "Int32"
        case .uint32: return "UInt32"
        case .int64: return "Int64"
        case .float64: return "Double"
        case .string: return "String"
        case .bytes: return "ByteBuffer"
        case .uuid: return "KafkaUUID"
        case .records: return "RecordsPayload"
        case .structure(let s): return s
        case .array(let e): return "[\(try baseType(e))]"
        }
    }

    func swiftType(_ field: FieldSpec) throws -> String {
        let base = try baseType(field.type)
        return isOptional(field) ? base + "?" : base
    }

    func defaultValue(_ field: FieldSpec) throws -> String {
        let d = field.defaultValue
        if isOptional(field), d == "null" || field.type == .records { return "nil" }
        switch field.type {
        case .bool: return d == "true" ? "true" : "false"
        case .int8, .int16, .uint16, .int32, .uint32, .int64:
            guard let d, !d.isEmpty else { return "0" }
            if d.hasPrefix("0x") || d.hasPrefix("-0x") {
                let negative = d.hasPrefix("-")
                guard let v = Int64(d.dropFirst(negative ? 3 : 2), radix: 16) else {
                    throw GeneratorError("bad default \(d) for \(field.name)")
                }
                return negative ? "-\(v)" : "\(v)"
            }
            guard Int64(d) != nil else { throw GeneratorError("bad default \(d) for \(field.name)") }
            return d
        case .float64: return d.flatMap(Double.init).map { "\($0)" } ?? "0"
        case .string:
            let s = (d == nil || d == "null") ? "" : d!
            return "\"\(s)\""
        case .bytes: return "ByteBuffer()"
        case .uuid: return "KafkaUUID.zero"
        case .records: return "nil"
        case .array: return "[]"
        case .structure(let s): return "\(s)()"
        }
    }

    func emitMemberwiseInit(indent: String) throws -> String {
        var params: [String] = []
        for f in fields {
            params.append("\(Naming.escaped(Naming.property(f.name))): \(try swiftType(f)) = \(try defaultValue(f))")
        }
        if hasTagged { params.append("unknownTaggedFields: [RawTaggedField] = []") }
        if params.isEmpty { return "\(indent)public init() {}\n" }
        var out = "\(indent)public init(\n"
        out += params.map { "\(indent)    \($0)" }.joined(separator: ",\n")
        out += "\n\(indent)) {\n"
        for f in fields {
            let p = Naming.property(f.name)
            out += "\(indent)    self.\(p) = \(Naming.escaped(p))\n"
        }
        if hasTagged { out += "\(indent)    self.unknownTaggedFields = unknownTaggedFields\n" }
        out += "\(indent)}\n\n"
        // The all-defaults value, also KafkaCodable's `init()` requirement.
        let firstLabel = fields.first.map { Naming.property($0.name) } ?? "unknownTaggedFields"
        let firstValue = try fields.first.map { try defaultValue($0) } ?? "[]"
        out += "\(indent)public init() {\n\(indent)    self.init(\(firstLabel): \(firstValue))\n\(indent)}\n"
        return out
    }

    // MARK: decoding

    func flexibleExpr(_ field: FieldSpec) -> String {
        if !hasTagged { return "false" }
        if let o = field.flexibleVersionsOverride, o.isEmpty { return "false" }
        return "flexible"
    }

    func regularVersions(_ field: FieldSpec) -> Versions {
        field.tag == nil ? field.versions : Versions.none
    }

    func decodeExpr(_ type: FieldType, optional: Bool, flexible: String, buffer: String) throws -> String {
        switch type {
        case .bool: return "try \(buffer).readKafkaBool()"
        case .int8, .int16, .uint16, .int32, .uint32, .int64:
            return "try \(buffer).readKafkaInteger(as: \(try baseType(type)).self)"
        case .float64: return "try \(buffer).readKafkaFloat64()"
        case .string:
            return optional
                ? "try \(buffer).readKafkaNullableString(flexible: \(flexible))"
                : "try \(buffer).readKafkaString(flexible: \(flexible))"
        case .bytes:
            return optional
                ? "try \(buffer).readKafkaNullableBytes(flexible: \(flexible))"
                : "try \(buffer).readKafkaBytes(flexible: \(flexible))"
        case .uuid: return "try \(buffer).readKafkaUUID()"
        case .records: return "try \(buffer).readKafkaRecords(flexible: \(flexible))"
        case .structure(let s):
            return optional
                ? "try \(buffer).readKafkaNullableStruct { (b: inout ByteBuffer) throws(KafkaProtocolError) -> \(s) in try \(s)(from: &b, version: version) }"
                : "try \(s)(from: &\(buffer), version: version)"
        case .array(let element):
            let elementType = try baseType(element)
            let inner = try decodeExpr(element, optional: false, flexible: flexible, buffer: "b")
            let reader = optional ? "readKafkaNullableArray" : "readKafkaArray"
            return "try \(buffer).\(reader)(flexible: \(flexible)) { (b: inout ByteBuffer) throws(KafkaProtocolError) -> \(elementType) in \(inner) }"
        }
    }

    func emitDecoder(indent: String) throws -> String {
        var body = ""
        let i2 = indent + "    "
        for f in fields {
            let regular = regularVersions(f)
            guard let cond = regular.condition(within: possible) ?? Optional("") , cond != "false" else { continue }
            let expr = try decodeExpr(f.type, optional: isOptional(f), flexible: flexibleExpr(f), buffer: "buffer")
            let assign = "self.\(Naming.property(f.name)) = \(expr)"
            if cond.isEmpty {
                body += "\(i2)\(assign)\n"
            } else {
                body += "\(i2)if \(cond) {\n\(i2)    \(assign)\n\(i2)}\n"
            }
        }
        if hasTagged {
            var cases = ""
            for f in fields where f.tag != nil {
                guard let tag = f.tag else { continue }
                let tv = f.taggedVersions.intersect(f.versions)
                let expr = try decodeExpr(f.type, optional: isOptional(f), flexible: "true", buffer: "field")
                let guardCond = tv.condition(within: possible.intersect(flexible))
                if guardCond == "false" { continue }
                if let guardCond {
                    cases += "\(i2)        case \(tag) where \(guardCond):\n"
                } else {
                    cases += "\(i2)        case \(tag):\n"
                }
                cases += "\(i2)            self.\(Naming.property(f.name)) = \(expr)\n"
            }
            var section = "\(i2)if flexible {\n"
            section += "\(i2)    try buffer.readKafkaTaggedFields { (tag: UInt32, field: inout ByteBuffer) throws(KafkaProtocolError) in\n"
            if cases.isEmpty {
                section += "\(i2)        unknown.append(RawTaggedField(tag: tag, data: field))\n"
            } else {
                section += "\(i2)        switch tag {\n" + cases
                section += "\(i2)        default:\n\(i2)            unknown.append(RawTaggedField(tag: tag, data: field))\n"
                section += "\(i2)        }\n"
            }
            section += "\(i2)    }\n"
            section += "\(i2)    self.unknownTaggedFields = unknown\n"
            section += "\(i2)}\n"
            body += section
        }
        var out = "\(indent)public init(from buffer: inout ByteBuffer, version: Int16) throws(KafkaProtocolError) {\n"
        out += "\(i2)self.init()\n"
        if hasTagged {
            out += "\(i2)let flexible = \(flexible.condition(within: possible) ?? "true")\n"
            out += "\(i2)var unknown: [RawTaggedField] = []\n"
        }
        out += body
        out += "\(indent)}\n"
        return out
    }

    // MARK: encoding

    func encodeStatements(_ type: FieldType, optional: Bool, value: String, flexible: String, indent: String) throws -> String {
        switch type {
        case .bool: return "\(indent)writer.buffer.writeKafkaBool(\(value))\n"
        case .int8, .int16, .uint16, .int32, .uint32, .int64: return "\(indent)writer.buffer.writeInteger(\(value))\n"
        case .float64: return "\(indent)writer.buffer.writeKafkaFloat64(\(value))\n"
        case .string: return "\(indent)writer.buffer.writeKafkaString(\(value), flexible: \(flexible))\n"
        case .bytes: return "\(indent)writer.buffer.writeKafkaBytes(\(value), flexible: \(flexible))\n"
        case .uuid: return "\(indent)writer.buffer.writeKafkaUUID(\(value))\n"
        case .records: return "\(indent)writer.writeRecords(\(value), flexible: \(flexible))\n"
        case .structure:
            if optional {
                return """
                \(indent)if let present = \(value) {
                \(indent)    writer.buffer.writeInteger(Int8(1))
                \(indent)    present.encode(to: &writer, version: version)
                \(indent)} else {
                \(indent)    writer.buffer.writeInteger(Int8(-1))
                \(indent)}

                """
            }
            return "\(indent)\(value).encode(to: &writer, version: version)\n"
        case .array(let element):
            let inner = try encodeStatements(element, optional: false, value: "element", flexible: flexible, indent: indent + "    ")
            if optional {
                return """
                \(indent)if let array = \(value) {
                \(indent)    writer.buffer.writeKafkaArrayCount(array.count, flexible: \(flexible))
                \(indent)    for element in array {
                \(inner.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
                \(indent)    }
                \(indent)} else {
                \(indent)    writer.buffer.writeKafkaArrayCount(nil, flexible: \(flexible))
                \(indent)}

                """
            }
            return """
            \(indent)writer.buffer.writeKafkaArrayCount(\(value).count, flexible: \(flexible))
            \(indent)for element in \(value) {
            \(inner)\(indent)}

            """
        }
    }

    func emitEncoder(indent: String) throws -> String {
        let i2 = indent + "    "
        var body = ""
        for f in fields {
            let regular = regularVersions(f)
            guard let cond = regular.condition(within: possible) ?? Optional(""), cond != "false" else { continue }
            let value = "self.\(Naming.property(f.name))"
            if cond.isEmpty {
                body += try encodeStatements(f.type, optional: isOptional(f), value: value, flexible: flexibleExpr(f), indent: i2)
            } else {
                body += "\(i2)if \(cond) {\n"
                body += try encodeStatements(f.type, optional: isOptional(f), value: value, flexible: flexibleExpr(f), indent: i2 + "    ")
                body += "\(i2)}\n"
            }
        }
        if hasTagged {
            let tagged = fields.filter { $0.tag != nil }.sorted { ($0.tag ?? 0) < ($1.tag ?? 0) }
            var section = "\(i2)if flexible {\n"
            let i3 = i2 + "    "
            var conditions: [(FieldSpec, String)] = []
            for f in tagged {
                let tv = f.taggedVersions.intersect(f.versions)
                let vc = tv.condition(within: possible.intersect(flexible))
                if vc == "false" { continue }
                let notDefault = "self.\(Naming.property(f.name)) != \(try defaultValue(f))"
                conditions.append((f, vc.map { "\($0) && \(notDefault)" } ?? notDefault))
            }
            if conditions.isEmpty {
                section += "\(i3)writer.buffer.writeUnsignedVarint(UInt32(self.unknownTaggedFields.count))\n"
            } else {
                section += "\(i3)var taggedCount = self.unknownTaggedFields.count\n"
                for (_, c) in conditions { section += "\(i3)if \(c) { taggedCount += 1 }\n" }
                section += "\(i3)writer.buffer.writeUnsignedVarint(UInt32(taggedCount))\n"
                for (f, c) in conditions {
                    section += "\(i3)if \(c) {\n"
                    section += "\(i3)    writer.writeTaggedField(tag: \(f.tag ?? 0)) { (writer: inout MessageWriter) in\n"
                    section += try encodeStatements(
                        f.type, optional: isOptional(f), value: "self.\(Naming.property(f.name))", flexible: "true", indent: i3 + "        ")
                    section += "\(i3)    }\n"
                    section += "\(i3)}\n"
                }
            }
            section += "\(i3)for field in self.unknownTaggedFields { writer.writeRawTaggedField(field) }\n"
            section += "\(i2)}\n"
            body += section
        }
        var out = "\(indent)public func encode(to writer: inout MessageWriter, version: Int16) {\n"
        if body.contains("flexible: flexible") || hasTagged {
            out += "\(i2)let flexible = \(flexible.condition(within: possible) ?? "true")\n"
        }
        out += body
        out += "\(indent)}\n"
        return out
    }
}
