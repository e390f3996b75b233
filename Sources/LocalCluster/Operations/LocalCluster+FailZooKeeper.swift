import Foundation

extension LocalCluster {
    /// SIGKILLs a running ZooKeeper server (`node`, else one at random), reports whether the
    /// rest still form a quorum, then starts it again on the same ports and data and waits
    /// until it serves.
    public func failZooKeeper(node wanted: Int? = nil, timeout: Duration = .seconds(90)) async throws {
        var state = try requireState()
        let lock = try DirectoryLock(directory: directory)
        defer { withExtendedLifetime(lock) {} }
        let running = state.zookeeper.indices.filter { state.zookeeper[$0].isRunning }
        let index: Int
        if let wanted {
            guard let found = state.zookeeper.firstIndex(where: { $0.id == wanted }) else {
                let ids = state.zookeeper.map { String($0.id) }.joined(separator: ", ")
                throw LocalClusterError("There is no ZooKeeper \(wanted) in the cluster in \(directory); its servers are \(ids).")
            }
            index = found
        } else {
            guard let found = running.randomElement() else {
                throw LocalClusterError("No ZooKeeper server of the cluster in \(directory) is running; start it with `petrel cluster up --dir \(directory)`.")
            }
            index = found
        }
        let victim = state.zookeeper[index]
        let clock = ContinuousClock()
        if victim.isRunning, let pid = victim.pid {
            let mode = victim.mode() ?? "not serving"
            await ProcessTable.kill9(pid)
            let killedAt = clock.now
            say("killed ZooKeeper \(victim.id) (pid \(pid), SIGKILL, was \(mode)) on \(victim.address)")
            state.zookeeper[index].pid = nil
            try state.save()
            let others = state.zookeeper.filter { $0.id != victim.id && $0.isRunning }
            if others.isEmpty {
                say("no ZooKeeper server is left: brokers keep serving what they know but cannot change metadata")
            } else if Self.serving(others) {
                let modes = others.map { "\($0.id): \($0.mode() ?? "?")" }.joined(separator: ", ")
                say("the others still serve (\(modes))")
            } else if await waitForQuorum(others, timeout: .seconds(30)) {
                let modes = others.map { "\($0.id): \($0.mode() ?? "?")" }.joined(separator: ", ")
                say("the others serve again after \(Timestamp.seconds(killedAt.duration(to: clock.now))) (\(modes))")
            } else {
                say("the other ZooKeeper servers do not serve (no quorum without \(victim.id))")
            }
        } else {
            say("ZooKeeper \(victim.id) is not running; starting it")
        }
        let startedAt = clock.now
        state.zookeeper[index].pid = try victim.launch(tuning: state.zookeeperTuning, detached: true)
        try state.save()
        say("started ZooKeeper \(victim.id) again (pid \(state.zookeeper[index].pid ?? 0))")
        try await state.zookeeper[index].waitUntilServing(timeout: timeout)
        say("ZooKeeper \(victim.id) serves again (\(victim.mode() ?? "?")) after \(Timestamp.seconds(startedAt.duration(to: clock.now)))")
    }

    private func waitForQuorum(_ nodes: [ZooKeeperNode], timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if Self.serving(nodes) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// Every one of `nodes` serves, one of them as leader (or standalone).
    private static func serving(_ nodes: [ZooKeeperNode]) -> Bool {
        let modes = nodes.compactMap { $0.mode() }
        return modes.count == nodes.count && (modes.contains("leader") || modes.contains("standalone"))
    }
}
