extension Bench {
    /// 4000 partitions in one topic, produced to like the 32-partition scenario; creating the
    /// topic is timed too.
    func runPartitionScale() {
        let id = "produce-1KiB-acks1-p4000-none"
        guard plan.includes(id) else { return }
        let scenario = ProduceScenario(recordSize: 1024, acks: "1", partitions: 4000, compression: "none")
        runProduce(scenario, id: id, title: "produce 1 KiB, acks=1, 4000 partitions, none")
    }
}
