// The election loop: watch `/controller`, stand when it is empty, serve while it is ours.
extension ControllerRunner {
    func electionLoop() async {
        let watch = store.makeWatch()
        var changes = watch.changes.makeAsyncIterator()
        defer { watch.cancel() }
        var failures = 0
        while !stopped, !Task.isCancelled, store.isSessionAlive {
            do throws(ClusterError) {
                let current = try await store.controller(watch: watch)
                if let fence = machine.fence, current?.brokerID != config.brokerID || current?.epoch != fence.epoch {
                    lostOffice(fence, to: current)
                }
                if current == nil, let fence = try await store.elect(brokerID: config.brokerID) {
                    tookOffice(fence)
                    // The election wrote /controller: wait for that change, then look again.
                }
                failures = 0
            } catch {
                if error.reason == .sessionEnded { break }
                failures += 1
                logger.warning("controller election failed; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(min(100 * failures, 2000)))
                continue
            }
            // The next change of /controller (or the end of the session).
            guard await changes.next() != nil else { break }
        }
        if let fence = machine.fence { lostOffice(fence, to: nil) }
    }

    private func tookOffice(_ fence: ControllerFence) {
        electedAt = .now
        metrics.controllerElections.increment()
        metrics.controllerActive.record(1)
        logger.info(
            "became controller",
            metadata: [
                "controller_epoch": "\(fence.epoch)", "brokers": "\(image.brokers.count)", "partitions": "\(image.partitions.count)",
            ])
        handle(.elected(fence, image))
        // Nothing needed writing: there is no failover time to report.
        if machine.inFlight == nil { electedAt = nil }
    }

    private func lostOffice(_ fence: ControllerFence, to current: ControllerRegistration?) {
        logger.warning(
            "no longer the controller",
            metadata: ["controller_epoch": "\(fence.epoch)", "new_controller": "\(current.map { "\($0.brokerID)" } ?? "none")"])
        metrics.controllerActive.record(0)
        handle(.resigned)
    }
}
