import NIOCore

/// A decoded answer to a user request.
enum ZooKeeperResponse: Sendable, Hashable {
    case created(path: String)
    /// The request has no response body (delete).
    case empty
    /// nil: the node does not exist (the server said NONODE).
    case exists(Stat?)
    case data(NodeData)
    case dataSet(Stat)
    case children(NodeChildren)
    case multi([MultiResult])
}

extension ZooKeeperRequest {
    /// Turns the reply to this request into a response or the error the caller sees. An error
    /// header has no body; `exists` answers NONODE with "no node", not an error.
    func decodeReply(err: Int32, body: inout ByteBuffer) -> Result<ZooKeeperResponse, ZooKeeperError> {
        let code = ZooKeeperError.Code(rawValue: err)
        if case .exists = self, code == .noNode { return .success(.exists(nil)) }
        guard code == .ok else { return .failure(ZooKeeperError(code, path: path)) }
        do {
            return .success(try decodeBody(&body))
        } catch {
            var error = error
            if error.path == nil { error.path = path }
            return .failure(error)
        }
    }

    private func decodeBody(_ body: inout ByteBuffer) throws(ZooKeeperError) -> ZooKeeperResponse {
        switch self {
        case .create: return .created(path: try CreateResponse(from: &body).path)
        case .delete, .setWatches, .ping, .closeSession: return .empty
        case .exists: return .exists(try StatResponse(from: &body).stat)
        case .getData:
            let response = try GetDataResponse(from: &body)
            return .data(NodeData(data: response.data, stat: response.stat))
        case .setData: return .dataSet(try StatResponse(from: &body).stat)
        case .getChildren:
            let response = try GetChildren2Response(from: &body)
            return .children(NodeChildren(names: response.children, stat: response.stat))
        case .multi(let request): return .multi(try Self.multiResults(request, try MultiResponse(from: &body)))
        }
    }

    /// A committed transaction maps to one result per operation; an aborted one to an error with
    /// the first failing operation's code and every operation's code.
    private static func multiResults(_ request: MultiRequest, _ response: MultiResponse) throws(ZooKeeperError) -> [MultiResult] {
        var codes: [ZooKeeperError.Code] = []
        var failedIndex: Int?
        var results: [MultiResult] = []
        for (index, entry) in response.entries.enumerated() {
            switch entry {
            case .error(let raw):
                let code = ZooKeeperError.Code(rawValue: raw)
                codes.append(code)
                if failedIndex == nil, code != .ok { failedIndex = index }
            case .created(let path), .created2(let path, _):
                codes.append(.ok)
                results.append(.created(path: path))
            case .deleted:
                codes.append(.ok)
                results.append(.deleted)
            case .dataSet(let stat):
                codes.append(.ok)
                results.append(.dataSet(stat))
            case .checked:
                codes.append(.ok)
                results.append(.checked)
            }
        }
        if let failedIndex {
            let operations = request.operations
            throw ZooKeeperError(
                codes[failedIndex], path: failedIndex < operations.count ? operations[failedIndex].path : nil,
                message: "the transaction was not applied", failedOperationIndex: failedIndex, operationCodes: codes)
        }
        guard results.count == request.operations.count else {
            throw .marshalling("multi answered \(results.count) results for \(request.operations.count) operations")
        }
        return results
    }
}
