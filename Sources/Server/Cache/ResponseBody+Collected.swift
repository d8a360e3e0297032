import HTTPTypes
import Hummingbird
import NIOCore

extension ResponseBody {
    /// The whole body in one buffer (for answers that are kept: they are built in memory anyway).
    func collected() async throws -> ByteBuffer {
        let sink = CollectingWriter.Sink()
        try await write(CollectingWriter(sink: sink))
        return sink.buffer
    }
}

/// A body writer that appends everything to a buffer.
private struct CollectingWriter: ResponseBodyWriter {
    /// Where the bytes go; a class so that they outlive the consumed writer. Used by one task only.
    final class Sink {
        var buffer = ByteBuffer()
    }

    let sink: Sink

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        sink.buffer.writeBuffer(&buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
