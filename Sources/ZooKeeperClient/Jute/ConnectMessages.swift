import NIOCore

/// The first frame on every connection: opens a new session (sessionID 0) or resumes one.
struct ConnectRequest: JuteCodable {
    var protocolVersion: Int32 = 0
    /// The last zxid this client saw; a server that is behind it refuses the connection.
    var lastZxidSeen: Int64
    /// Requested session timeout in milliseconds; the server clamps it to [2, 20] ticks by default.
    var timeoutMs: Int32
    var sessionID: Int64
    var password: [UInt8]
    var readOnly: Bool

    init(lastZxidSeen: Int64, timeoutMs: Int32, sessionID: Int64, password: [UInt8], readOnly: Bool) {
        self.lastZxidSeen = lastZxidSeen
        self.timeoutMs = timeoutMs
        self.sessionID = sessionID
        self.password = password
        self.readOnly = readOnly
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeJuteInt(protocolVersion)
        buffer.writeJuteLong(lastZxidSeen)
        buffer.writeJuteInt(timeoutMs)
        buffer.writeJuteLong(sessionID)
        buffer.writeJuteBuffer(password)
        buffer.writeJuteBool(readOnly)
    }

    init(from buffer: inout ByteBuffer) throws(ZooKeeperError) {
        protocolVersion = try buffer.readJuteInt()
        lastZxidSeen = try buffer.readJuteLong()
        timeoutMs = try buffer.readJuteInt()
        sessionID = try buffer.readJuteLong()
        password = try buffer.readJuteBuffer()
        // Clients before 3.3 did not send the flag.
        readOnly = buffer.readableBytes > 0 ? try buffer.readJuteBool() : false
    }
}

/// The server's answer to ConnectRequest. A timeout of 0 or less means the session is expired
/// (or the password was wrong): the server closes the connection after sending it.
struct ConnectResponse: JuteCodable {
    var protocolVersion: Int32 = 0
    var timeoutMs: Int32
    var sessionID: Int64
    var password: [UInt8]
    var readOnly: Bool

    init(timeoutMs: Int32, sessionID: Int64, password: [UInt8], readOnly: Bool) {
        self.timeoutMs = timeoutMs
        self.sessionID = sessionID
        self.password = password
        self.readOnly = readOnly
    }

    func encode(into buffer: inout ByteBuffer) {
        buffer.writeJuteInt(protocolVersion)
        buffer.writeJuteInt(timeoutMs)
        buffer.writeJuteLong(sessionID)
        buffer.writeJuteBuffer(password)
        buffer.writeJuteBool(readOnly)
    }

    init(from buffer: inout ByteBuffer) throws(ZooKeeperError) {
        protocolVersion = try buffer.readJuteInt()
        timeoutMs = try buffer.readJuteInt()
        sessionID = try buffer.readJuteLong()
        password = try buffer.readJuteBuffer()
        // Servers before 3.3 did not send the flag.
        readOnly = buffer.readableBytes > 0 ? try buffer.readJuteBool() : false
    }
}
