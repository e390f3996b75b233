/// Which `__consumer_offsets` partition owns a group: `abs(groupId.hashCode()) % partitions`
/// with Java's String.hashCode, as Kafka computes it (GroupCoordinatorService.partitionFor,
/// Utils.abs). Matching Java keeps a data directory's placement identical to Kafka's.
public enum GroupPartitioner {
    /// Java's String.hashCode: h = 31·h + c over the UTF-16 code units, wrapping at 32 bits.
    public static func javaHashCode(_ string: String) -> Int32 {
        var hash: Int32 = 0
        for unit in string.utf16 {
            hash = hash &* 31 &+ Int32(unit)
        }
        return hash
    }

    /// Kafka's Utils.abs: the absolute value, with Int32.min mapped to 0 instead of overflowing.
    public static func kafkaAbs(_ value: Int32) -> Int32 {
        value == .min ? 0 : abs(value)
    }

    public static func partition(for groupId: String, partitionCount: Int32) -> Int32 {
        guard partitionCount > 0 else { return 0 }
        return kafkaAbs(javaHashCode(groupId)) % partitionCount
    }
}
