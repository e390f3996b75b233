import NIOCore
import NIOPosix

/// One buffer per thread into which produce validation decompresses batches, so steady-state
/// validation of compressed batches allocates nothing. A batch is validated on the thread that
/// handles its request, and nothing outlives the call, so only that thread touches it.
final class DecompressionBuffer: @unchecked Sendable {
    var buffer = ByteBuffer()

    /// A buffer grown past this by one large batch is let go after use rather than kept per thread.
    static let retainedCapacity = 4 << 20
    private static let perThread = ThreadSpecificVariable<DecompressionBuffer>()

    /// This thread's buffer.
    static var current: DecompressionBuffer {
        if let existing = perThread.currentValue { return existing }
        let created = DecompressionBuffer()
        perThread.currentValue = created
        return created
    }

    /// Drops the storage if one batch made it large.
    func trim() {
        if buffer.capacity > Self.retainedCapacity { buffer = ByteBuffer() }
    }
}
