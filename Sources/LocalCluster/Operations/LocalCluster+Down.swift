import Foundation

extension LocalCluster {
    /// Stops the brokers one at a time with SIGTERM (each moves its leaderships to brokers still
    /// up before it exits: controlled shutdown happens in the broker), SIGKILL for one that
    /// outlasts `grace`; then ZooKeeper. Data stays in DIR, so `up` starts the same cluster again.
    /// Returns false when nothing was running.
    @discardableResult
    public func down(grace: Duration = .seconds(30)) async throws -> Bool {
        var state = try requireState()
        let lock = try DirectoryLock(directory: directory)
        defer { withExtendedLifetime(lock) {} }
        guard state.isAnythingRunning else {
            clearPids(&state)
            try state.save()
            say("nothing of the cluster in \(directory) is running")
            return false
        }
        let clock = ContinuousClock()
        for index in state.brokers.indices {
            let broker = state.brokers[index]
            guard broker.isRunning, let pid = broker.pid else { continue }
            say("stopping broker \(broker.id) (pid \(pid), SIGTERM)")
            let start = clock.now
            let killed = await ProcessTable.stop(pid, grace: grace)
            let took = Timestamp.seconds(start.duration(to: clock.now))
            say(killed
                ? "broker \(broker.id) did not stop within \(Timestamp.seconds(grace)); killed it (SIGKILL)"
                : "broker \(broker.id) stopped after \(took)")
            state.brokers[index].pid = nil
            try state.save()
        }
        for index in state.zookeeper.indices {
            let node = state.zookeeper[index]
            guard node.isRunning, let pid = node.pid else { continue }
            say("stopping ZooKeeper \(node.id) (pid \(pid), SIGTERM)")
            let killed = await ProcessTable.stop(pid, grace: .seconds(15))
            if killed { say("ZooKeeper \(node.id) did not stop within 15 s; killed it (SIGKILL)") }
            state.zookeeper[index].pid = nil
            try state.save()
        }
        clearPids(&state)
        try state.save()
        say("cluster stopped; its data stays in \(directory) (`petrel cluster up --dir \(directory)` starts it again)")
        return true
    }

    private func clearPids(_ state: inout ClusterState) {
        for index in state.brokers.indices where !state.brokers[index].isRunning { state.brokers[index].pid = nil }
        for index in state.zookeeper.indices where !state.zookeeper[index].isRunning { state.zookeeper[index].pid = nil }
    }
}
