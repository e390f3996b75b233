extension Sequence where Element: Sendable {
    /// Runs `transform` for every element concurrently (so a store's requests are pipelined on
    /// its connection) and returns the results in the sequence's order.
    func concurrentMap<T: Sendable>(
        _ transform: @escaping @Sendable (Element) async -> T
    ) async -> [T] {
        let items = Array(self)
        return await withTaskGroup(of: (Int, T).self, returning: [T].self) { group in
            for (index, item) in items.enumerated() {
                group.addTask { (index, await transform(item)) }
            }
            var results = [T?](repeating: nil, count: items.count)
            for await (index, value) in group { results[index] = value }
            return results.compactMap { $0 }
        }
    }
}

extension Array {
    /// The successes in order, or the first failure.
    func collect<T>() throws(ClusterError) -> [T] where Element == Result<T, ClusterError> {
        var values: [T] = []
        values.reserveCapacity(count)
        for result in self {
            switch result {
            case .success(let value): values.append(value)
            case .failure(let error): throw error
            }
        }
        return values
    }
}
