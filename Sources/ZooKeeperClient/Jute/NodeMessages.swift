import NIOCore

// Requests and responses about one znode: create, delete, exists, getData, setData, getChildren2
// and check. Layouts follow zookeeper.jute (org.apache.zookeeper.proto).

struct CreateRequest: JuteCodable {
    var path: String
    var data: [UInt8]
    var acl: [ACL]
    var flags: Int32

    init(path: String, data: [UInt8], acl: [ACL] = ACL.openUnsafe, flags: Int32) {
        self.path = path
        self.data = data
        self.acl = acl
        self.flags = flags
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeJuteString(path)
        buffer.writeJuteBuffer(data)
        buffer.writeJuteACLs(acl)
        buffer.writeJuteInt(flags)
    }

    init(from buffer: inout ByteBuffer) throws(ZooKeeperError) {
        self.init(
            path: try buffer.readJuteString(), data: try buffer.readJuteBuffer(),
            acl: try buffer.readJuteACLs(), flags: try buffer.readJuteInt())
    }
}

/// The answer to create: the node's actual path (sequential nodes get their counter appended).
struct CreateResponse: JuteCodable {
    var path: String

    init(path: String) { self.path = path }
    func encode(into buffer: inout ByteBuffer) { buffer.writeJuteString(path) }
    init(from buffer: inout ByteBuffer) throws(ZooKeeperError) { self.init(path: try buffer.readJuteString()) }
}

/// The answer to create2 (sent inside multi results by newer servers): path and Stat.
struct Create2Response: JuteCodable {
    var path: String
    var stat: Stat

    init(path: String, stat: Stat) {
        self.path = path
        self.stat = stat
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeJuteString(path)
        stat.encode(into: &buffer)
    }

    init(from buffer: inout ByteBuffer) throws(ZooKeeperError) {
        self.init(path: try buffer.readJuteString(), stat: try Stat(from: &buffer))
    }
}

/// Version -1 matches any version (delete, setData).
struct DeleteRequest: JuteCodable {
    var path: String
    var version: Int32

    init(path: String, version: Int32) {
        self.path = path
        self.version = version
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeJuteString(path)
        buffer.writeJuteInt(version)
    }

    init(from buffer: inout ByteBuffer) throws(ZooKeeperError) {
        self.init(path: try buffer.readJuteString(), version: try buffer.readJuteInt())
    }
}

/// The shape of CheckVersionRequest is DeleteRequest's: path and version.
typealias CheckVersionRequest = DeleteRequest

/// ExistsRequest, GetDataRequest and GetChildren2Request share this layout: path and watch flag.
struct PathWatchRequest: JuteCodable {
    var path: String
    var watch: Bool

    init(path: String, watch: Bool) {
        self.path = path
        self.watch = watch
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeJuteString(path)
        buffer.writeJuteBool(watch)
    }

    init(from buffer: inout ByteBuffer) throws(ZooKeeperError) {
        self.init(path: try buffer.readJuteString(), watch: try buffer.readJuteBool())
    }
}

struct SetDataRequest: JuteCodable {
    var path: String
    var data: [UInt8]
    var version: Int32

    init(path: String, data: [UInt8], version: Int32) {
        self.path = path
        self.data = data
        self.version = version
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeJuteString(path)
        buffer.writeJuteBuffer(data)
        buffer.writeJuteInt(version)
    }

    init(from buffer: inout ByteBuffer) throws(ZooKeeperError) {
        self.init(path: try buffer.readJuteString(), data: try buffer.readJuteBuffer(), version: try buffer.readJuteInt())
    }
}

/// ExistsResponse and SetDataResponse: a Stat alone.
struct StatResponse: JuteCodable {
    var stat: Stat

    init(stat: Stat) { self.stat = stat }
    func encode(into buffer: inout ByteBuffer) { stat.encode(into: &buffer) }
    init(from buffer: inout ByteBuffer) throws(ZooKeeperError) { self.init(stat: try Stat(from: &buffer)) }
}

struct GetDataResponse: JuteCodable {
    var data: [UInt8]
    var stat: Stat

    init(data: [UInt8], stat: Stat) {
        self.data = data
        self.stat = stat
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeJuteBuffer(data)
        stat.encode(into: &buffer)
    }

    init(from buffer: inout ByteBuffer) throws(ZooKeeperError) {
        self.init(data: try buffer.readJuteBuffer(), stat: try Stat(from: &buffer))
    }
}

struct GetChildren2Response: JuteCodable {
    var children: [String]
    var stat: Stat

    init(children: [String], stat: Stat) {
        self.children = children
        self.stat = stat
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeJuteStrings(children)
        stat.encode(into: &buffer)
    }

    init(from buffer: inout ByteBuffer) throws(ZooKeeperError) {
        self.init(children: try buffer.readJuteStrings(), stat: try Stat(from: &buffer))
    }
}
