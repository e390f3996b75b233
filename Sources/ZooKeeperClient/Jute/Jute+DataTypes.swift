import NIOCore

// org.apache.zookeeper.data: Stat, Id and ACL.

extension Stat: JuteCodable {
    /// Encoded size: 6 longs and 5 ints.
    static let encodedSize = 6 * 8 + 5 * 4

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeJuteLong(czxid)
        buffer.writeJuteLong(mzxid)
        buffer.writeJuteLong(ctime)
        buffer.writeJuteLong(mtime)
        buffer.writeJuteInt(version)
        buffer.writeJuteInt(cversion)
        buffer.writeJuteInt(aversion)
        buffer.writeJuteLong(ephemeralOwner)
        buffer.writeJuteInt(dataLength)
        buffer.writeJuteInt(numChildren)
        buffer.writeJuteLong(pzxid)
    }

    init(from buffer: inout ByteBuffer) throws(ZooKeeperError) {
        guard buffer.readableBytes >= Self.encodedSize else { throw .marshalling("truncated Stat") }
        self.init(
            czxid: try buffer.readJuteLong(), mzxid: try buffer.readJuteLong(),
            ctime: try buffer.readJuteLong(), mtime: try buffer.readJuteLong(),
            version: try buffer.readJuteInt(), cversion: try buffer.readJuteInt(),
            aversion: try buffer.readJuteInt(), ephemeralOwner: try buffer.readJuteLong(),
            dataLength: try buffer.readJuteInt(), numChildren: try buffer.readJuteInt(),
            pzxid: try buffer.readJuteLong())
    }
}

extension ACL: JuteCodable {
    func encode(into buffer: inout ByteBuffer) {
        buffer.writeJuteInt(perms)
        buffer.writeJuteString(scheme)
        buffer.writeJuteString(id)
    }

    init(from buffer: inout ByteBuffer) throws(ZooKeeperError) {
        self.init(perms: try buffer.readJuteInt(), scheme: try buffer.readJuteString(), id: try buffer.readJuteString())
    }
}

extension ByteBuffer {
    mutating func writeJuteACLs(_ acls: [ACL]) {
        writeJuteInt(Int32(truncatingIfNeeded: acls.count))
        for acl in acls { acl.encode(into: &self) }
    }

    mutating func readJuteACLs() throws(ZooKeeperError) -> [ACL] {
        let count = try readJuteCount(minimumElementSize: 12, what: "ACL vector")
        var acls: [ACL] = []
        acls.reserveCapacity(count)
        for _ in 0..<count { acls.append(try ACL(from: &self)) }
        return acls
    }
}
