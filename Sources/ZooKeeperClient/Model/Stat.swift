/// A znode's metadata, as ZooKeeper returns it (`org.apache.zookeeper.data.Stat`).
public struct Stat: Sendable, Hashable {
    /// Zxid of the transaction that created the node.
    public var czxid: Int64
    /// Zxid of the transaction that last changed the node's data.
    public var mzxid: Int64
    /// Creation time, milliseconds since the epoch (the leader's clock).
    public var ctime: Int64
    /// Last data change, milliseconds since the epoch.
    public var mtime: Int64
    /// Data version: what conditional `setData`/`delete`/`check` compare against.
    public var version: Int32
    /// Number of changes to the node's children.
    public var cversion: Int32
    /// Number of changes to the node's ACL.
    public var aversion: Int32
    /// Session id of the owner when the node is ephemeral, else 0.
    public var ephemeralOwner: Int64
    public var dataLength: Int32
    public var numChildren: Int32
    /// Zxid of the transaction that last changed the node's children.
    public var pzxid: Int64

    public init(
        czxid: Int64 = 0, mzxid: Int64 = 0, ctime: Int64 = 0, mtime: Int64 = 0, version: Int32 = 0,
        cversion: Int32 = 0, aversion: Int32 = 0, ephemeralOwner: Int64 = 0, dataLength: Int32 = 0,
        numChildren: Int32 = 0, pzxid: Int64 = 0
    ) {
        self.czxid = czxid
        self.mzxid = mzxid
        self.ctime = ctime
        self.mtime = mtime
        self.version = version
        self.cversion = cversion
        self.aversion = aversion
        self.ephemeralOwner = ephemeralOwner
        self.dataLength = dataLength
        self.numChildren = numChildren
        self.pzxid = pzxid
    }

    public var isEphemeral: Bool { ephemeralOwner != 0 }
}
