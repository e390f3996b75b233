/// One operation of a `multi` transaction: all of them are applied, or none.
public enum MultiOperation: Sendable, Hashable {
    case create(path: String, data: [UInt8] = [], mode: CreateMode = .persistent)
    /// `version: nil` deletes whatever version the node has.
    case delete(path: String, version: Int32? = nil)
    /// `version: nil` overwrites whatever version the node has.
    case setData(path: String, data: [UInt8], version: Int32? = nil)
    /// Fails the whole transaction unless the node's data version is `version`.
    case check(path: String, version: Int32)

    public var path: String {
        switch self {
        case .create(let path, _, _), .delete(let path, _), .setData(let path, _, _), .check(let path, _): path
        }
    }
}

/// The result of one operation of a committed `multi`, in the order of the operations.
public enum MultiResult: Sendable, Hashable {
    /// The created node's actual path (sequential nodes get their counter appended).
    case created(path: String)
    case deleted
    case dataSet(Stat)
    case checked
}
