import Testing

@testable import ZooKeeperClient

@Suite struct InputValidationTests {
    @Test func connectStringsParse() throws {
        #expect(try ServerAddress.parseList("127.0.0.1:2181,127.0.0.1:2182 , zk3") == [
            ServerAddress(host: "127.0.0.1", port: 2181), ServerAddress(host: "127.0.0.1", port: 2182),
            ServerAddress(host: "zk3", port: 2181),
        ])
        #expect(try ServerAddress.parseList("[::1]:2190") == [ServerAddress(host: "::1", port: 2190)])
        #expect(ServerAddress(host: "::1", port: 2190).description == "[::1]:2190")
    }

    @Test(arguments: ["", "a:2181,", "a:0", "a:70000", "a:x", ":2181", "a:2181/chroot", "[::1"])
    func badConnectStringsFailWithBadArguments(text: String) {
        #expect(throws: ZooKeeperError.self) { try ServerAddress.parseList(text) }
        do {
            _ = try ServerAddress.parseList(text)
        } catch {
            #expect(error.code == .badArguments)
            #expect(error.message?.isEmpty == false)
        }
    }

    @Test(arguments: ["/", "/a", "/a/b-c_d.e", "/ünï/cöde", "/a/..b"])
    func validPaths(path: String) throws {
        try PathValidation.validate(path)
    }

    @Test(arguments: ["", "a", "/a/", "//a", "/a//b", "/a/./b", "/a/..", "/a\u{0}b", "/a\u{1F}", "/\u{FFF5}"])
    func invalidPathsFailWithBadArguments(path: String) {
        do {
            try PathValidation.validate(path)
            Issue.record("\(path.debugDescription) must be refused")
        } catch {
            #expect(error.code == .badArguments)
        }
    }

    @Test func sequentialCreatesMayEndWithSlash() throws {
        try PathValidation.validate("/queue/", sequential: true)
        #expect(throws: ZooKeeperError.self) { try PathValidation.validate("/queue/", sequential: false) }
    }

    @Test func errorCodesHaveZooKeepersNames() {
        #expect(ZooKeeperError.Code.noNode.description == "NONODE (-101)")
        #expect(ZooKeeperError.Code(rawValue: -999).name == "UNKNOWN(-999)")
        let error = ZooKeeperError(.badVersion, path: "/p", message: "stale")
        #expect(error.description == "ZooKeeper error BADVERSION (-103) at /p: stale")
        #expect(ZooKeeperError(.connectionLoss).isRetriable)
        #expect(!ZooKeeperError(.sessionExpired).isRetriable)
    }
}
