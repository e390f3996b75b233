import KafkaProtocol
import RdKafkaLoad

/// CRC32C throughput of KafkaProtocol's own implementation (the broker checks every produced
/// batch with it): an upper bound on produce validation.
enum ChecksumProbe {
    static func run(bytes: Int, payloads: PayloadSet) -> (bytesPerSecond: Double, hardware: Bool) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 << 20, alignment: 64)
        defer { buffer.deallocate() }
        payloads.fill(buffer)
        let start = MonotonicClock.now()
        var done = 0
        var crc: UInt32 = 0
        while done < bytes {
            // Chained through `crc` like a batch checked in pieces; an opaque C call each time.
            crc = CRC32C.checksum(UnsafeRawBufferPointer(buffer), crc: crc)
            done += buffer.count
        }
        let seconds = MonotonicClock.seconds(MonotonicClock.now() - start)
        return (Double(done) / seconds, CRC32C.isHardwareAccelerated)
    }
}
