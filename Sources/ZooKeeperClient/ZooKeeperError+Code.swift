extension ZooKeeperError {
    /// ZooKeeper's error codes (KeeperException.Code), open to codes a newer server may send.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        public static let ok = Code(rawValue: 0)
        public static let systemError = Code(rawValue: -1)
        public static let runtimeInconsistency = Code(rawValue: -2)
        public static let dataInconsistency = Code(rawValue: -3)
        public static let connectionLoss = Code(rawValue: -4)
        public static let marshallingError = Code(rawValue: -5)
        public static let unimplemented = Code(rawValue: -6)
        public static let operationTimeout = Code(rawValue: -7)
        public static let badArguments = Code(rawValue: -8)
        public static let unknownSession = Code(rawValue: -12)
        public static let newConfigNoQuorum = Code(rawValue: -13)
        public static let reconfigInProgress = Code(rawValue: -14)
        public static let apiError = Code(rawValue: -100)
        public static let noNode = Code(rawValue: -101)
        public static let noAuth = Code(rawValue: -102)
        public static let badVersion = Code(rawValue: -103)
        public static let noChildrenForEphemerals = Code(rawValue: -108)
        public static let nodeExists = Code(rawValue: -110)
        public static let notEmpty = Code(rawValue: -111)
        public static let sessionExpired = Code(rawValue: -112)
        public static let invalidCallback = Code(rawValue: -113)
        public static let invalidACL = Code(rawValue: -114)
        public static let authFailed = Code(rawValue: -115)
        public static let sessionMoved = Code(rawValue: -118)
        public static let notReadOnly = Code(rawValue: -119)
        public static let ephemeralOnLocalSession = Code(rawValue: -120)
        public static let noWatcher = Code(rawValue: -121)
        public static let requestTimeout = Code(rawValue: -122)
        public static let reconfigDisabled = Code(rawValue: -123)
        public static let sessionClosedRequireSaslAuth = Code(rawValue: -124)
        public static let quotaExceeded = Code(rawValue: -125)
        public static let throttledOp = Code(rawValue: -127)

        private static let names: [Int32: String] = [
            0: "OK", -1: "SYSTEMERROR", -2: "RUNTIMEINCONSISTENCY", -3: "DATAINCONSISTENCY",
            -4: "CONNECTIONLOSS", -5: "MARSHALLINGERROR", -6: "UNIMPLEMENTED", -7: "OPERATIONTIMEOUT",
            -8: "BADARGUMENTS", -12: "UNKNOWNSESSION", -13: "NEWCONFIGNOQUORUM", -14: "RECONFIGINPROGRESS",
            -100: "APIERROR", -101: "NONODE", -102: "NOAUTH", -103: "BADVERSION",
            -108: "NOCHILDRENFOREPHEMERALS", -110: "NODEEXISTS", -111: "NOTEMPTY", -112: "SESSIONEXPIRED",
            -113: "INVALIDCALLBACK", -114: "INVALIDACL", -115: "AUTHFAILED", -118: "SESSIONMOVED",
            -119: "NOTREADONLY", -120: "EPHEMERALONLOCALSESSION", -121: "NOWATCHER", -122: "REQUESTTIMEOUT",
            -123: "RECONFIGDISABLED", -124: "SESSIONCLOSEDREQUIRESASLAUTH", -125: "QUOTAEXCEEDED",
            -127: "THROTTLEDOP",
        ]

        /// ZooKeeper's own name for the code (`NONODE`), or `UNKNOWN(<n>)`.
        public var name: String { Self.names[rawValue] ?? "UNKNOWN(\(rawValue))" }
        public var description: String { "\(name) (\(rawValue))" }
    }
}
