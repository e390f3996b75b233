import LogStorage

// Feeding the state machine and carrying out its actions.
extension ControllerRunner {
    func handle(_ event: ControllerEvent) {
        let actions = machine.handle(event)
        for action in actions { perform(action) }
        reportCounters()
    }

    private func perform(_ action: ControllerAction) {
        switch action {
        case .write(let batchID, let writes, let fence):
            let store = self.store
            Task { [weak self] in
                let results = await store.writePartitionStates(writes, fence: fence)
                await self?.handle(.writesCompleted(batchID: batchID, results: results))
            }
        case .reload(let partitions):
            Task { [weak self] in await self?.reload(partitions) }
        case .answerIsrChange(let requestID, let result):
            isrWaiters.removeValue(forKey: requestID)?.resume(returning: result)
        case .answerControlledShutdown(let requestID, let result):
            shutdownWaiters.removeValue(forKey: requestID)?.resume(returning: result)
        case .answerElectLeaders(let requestID, let result):
            electionWaiters.removeValue(forKey: requestID)?.resume(returning: result)
        case .writeAssignment(let assignment, let fence):
            let store = self.store
            logger.info("completing reassignments", metadata: ["topic": "\(assignment.name)"])
            Task { [weak self] in
                let result: Result<TopicAssignment, ClusterError>
                do throws(ClusterError) {
                    result = .success(try await store.updateTopicAssignment(assignment, fence: fence))
                } catch {
                    result = .failure(error)
                }
                await self?.handle(.assignmentWritten(topic: assignment.name, result))
            }
        case .notify(let notifications):
            if let electedAt {
                let elapsed = ContinuousClock.now - electedAt
                self.electedAt = nil
                metrics.failoverDuration.recordNanoseconds(elapsed.nanoseconds)
                logger.info("controller acted", metadata: ["ms_since_election": "\(elapsed.milliseconds)"])
            }
            for notification in notifications {
                logger.debug(
                    "leadership changed",
                    metadata: [
                        "to_broker": "\(notification.broker)", "leading": "\(notification.leading.count)",
                        "following": "\(notification.following.count)",
                    ])
                notificationStream.yield(notification)
            }
        case .fenced(let error):
            logger.warning("controller fenced: another controller was elected", metadata: ["error": "\(error)"])
            metrics.controllerActive.record(0)
        case .retryAfter(let delay):
            Task { [weak self] in
                try? await Task.sleep(for: delay)
                await self?.handle(.retry)
            }
        }
    }

    private func reload(_ partitions: [TopicPartition]) async {
        var attempt = 0
        while machine.isActive, store.isSessionAlive {
            do throws(ClusterError) {
                let states = try await store.partitionStates(partitions, watch: nil)
                handle(.partitionStatesRead(Dictionary(uniqueKeysWithValues: partitions.map { ($0, states[$0]) })))
                return
            } catch {
                attempt += 1
                logger.warning("cannot reload partition states", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
                try? await Task.sleep(for: .milliseconds(min(100 * attempt, 2000)))
            }
        }
    }

    private func reportCounters() {
        let now = machine.counters
        let before = reported
        reported = now
        func add(_ counter: Int, _ previous: Int, _ metric: (Int) -> Void) { if counter > previous { metric(counter - previous) } }
        add(now.cleanElections, before.cleanElections) { metrics.cleanLeaderElections.increment(by: $0) }
        add(now.uncleanElections, before.uncleanElections) { metrics.uncleanLeaderElections.increment(by: $0) }
        add(now.preferredElections, before.preferredElections) { metrics.preferredLeaderElections.increment(by: $0) }
        add(now.controlledShutdownMoves, before.controlledShutdownMoves) { metrics.controlledShutdownLeaderMoves.increment(by: $0) }
        add(now.isrExpansions, before.isrExpansions) { metrics.isrExpansions.increment(by: $0) }
        add(now.isrShrinks, before.isrShrinks) { metrics.isrShrinks.increment(by: $0) }
        add(now.writeConflicts, before.writeConflicts) { metrics.stateWriteConflicts.increment(by: $0) }
        add(now.reassignmentsCompleted, before.reassignmentsCompleted) { metrics.reassignmentsCompleted.increment(by: $0) }
        if now.offlinePartitions != before.offlinePartitions { metrics.offlinePartitions.record(now.offlinePartitions) }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    var milliseconds: Int64 { nanoseconds / 1_000_000 }
}
