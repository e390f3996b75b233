import Foundation

extension LocalCluster {
    /// SIGKILLs every broker and ZooKeeper server the state file lists that still runs, and
    /// waits until each is gone: the cleanup of a test or benchmark that must not leave detached
    /// processes behind, even when it failed halfway. Synchronous (deinit, signal handlers) and
    /// without the directory lock, which a failed operation of this process may still hold.
    /// Pids are only signalled while their command line names their node (pids are reused).
    public func killEverything() {
        guard let state = try? ClusterState.load(from: directory) else { return }
        let running = state.brokers.compactMap { node in node.pid.map { ($0, node.dataDirectory) } }
            + state.zookeeper.compactMap { node in node.pid.map { ($0, node.configPath) } }
        for (pid, marker) in running where ProcessTable.isAlive(pid, withArgument: marker) {
            ProcessTable.signal(pid, SIGKILL)
            ProcessTable.waitForExitBlocking(pid, timeout: .seconds(10))
        }
    }
}
