/// The bytes of one uploaded file, held in memory or mapped from disk, read in passes.
///
/// The intake reads an upload several times (SHA-256, encoding check, rows, the kept copy). A
/// file given to `huqi import` is mapped rather than read: each pass tells the bytes which part
/// it is done with (`discard(before:)`), the kernel drops those pages from the process, and the
/// memory of an import stays flat whatever the size of the file. Bytes received over HTTP are
/// held in memory (bounded by the body limit) and `discard` does nothing for them.
///
/// A value is a view (`range`) of its storage; slices share it.
public struct PayloadBytes: Sendable {
    let storage: Storage
    /// The part of the storage this value shows.
    public let range: Range<Int>

    /// Holds a copy of `bytes` in memory.
    public init(_ bytes: some Collection<UInt8>) {
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
        _ = memory.initializeMemory(as: UInt8.self, from: bytes)
        storage = Storage(base: UnsafeRawBufferPointer(rebasing: memory[0..<bytes.count]), release: nil, discard: nil, checkUnchanged: nil)
        range = 0..<bytes.count
    }

    /// Wraps memory owned elsewhere (a file mapping). Each closure is given `base`: `release`
    /// frees it when the last view is gone, `discard` drops the pages of a range from memory (they
    /// must read the same when touched again), `checkUnchanged` throws `PayloadChanged` when the
    /// source was modified since it was mapped.
    public init(
        unsafeBytes base: UnsafeRawBufferPointer, release: @escaping @Sendable (UnsafeRawBufferPointer) -> Void,
        discard: (@Sendable (UnsafeRawBufferPointer, Range<Int>) -> Void)?, checkUnchanged: (@Sendable () throws -> Void)?
    ) {
        storage = Storage(base: base, release: release, discard: discard, checkUnchanged: checkUnchanged)
        range = 0..<base.count
    }

    private init(storage: Storage, range: Range<Int>) {
        self.storage = storage
        self.range = range
    }

    /// The number of bytes in this view.
    public var count: Int { range.count }
    /// Whether the view holds no byte.
    public var isEmpty: Bool { range.isEmpty }

    /// The view's bytes. Valid as long as this value (or another view of the same storage) is alive:
    /// keep the `PayloadBytes` beside the pointer.
    public var unsafeBuffer: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: storage.base.bindMemory(to: UInt8.self)[range])
    }

    /// The bytes from `offset` (relative to this view) to its end.
    public func dropFirst(_ offset: Int) -> PayloadBytes {
        PayloadBytes(storage: storage, range: (range.lowerBound + min(offset, count))..<range.upperBound)
    }

    /// Whether the view starts with `prefix`.
    public func starts(with prefix: [UInt8]) -> Bool { unsafeBuffer.starts(with: prefix) }

    /// A copy as an array (small files, XLSX, tests).
    public var array: [UInt8] { Array(unsafeBuffer) }

    /// Tells the storage that this pass is done with the bytes before `offset` (relative to this
    /// view): a mapped file drops them from memory, whole pages only.
    public func discard(before offset: Int) {
        guard let discard = storage.discard, offset > 0 else { return }
        discard(storage.base, range.lowerBound..<(range.lowerBound + min(offset, count)))
    }

    /// Throws `PayloadChanged` when the file was modified after it was opened (a mapped file
    /// would then give different bytes to different passes).
    public func checkUnchanged() throws { try storage.checkUnchanged?() }

    /// Follows a pass that reads the bytes front to back and drops what lies behind it, a step
    /// at a time (one `discard` per few MiB read, not one per record). Keeps the bytes alive.
    public struct PassCursor {
        /// How far a pass reads between two discards.
        public static let step = 4 << 20
        /// The bytes the pass reads.
        public let bytes: PayloadBytes
        @usableFromInline var next = Self.step

        /// A pass from the start of `bytes`.
        public init(_ bytes: PayloadBytes) { self.bytes = bytes }

        /// The pass has read everything before `offset`. Inlinable: the UTF-8 check calls it for
        /// every 8 bytes.
        @inlinable public mutating func advance(to offset: Int) {
            guard offset >= next else { return }
            bytes.discard(before: offset)
            next = offset + Self.step
        }
    }

    /// Calls `body` with consecutive pieces of at most `size` bytes, discarding each piece after it.
    public func forEachChunk(size: Int = PassCursor.step, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        let buffer = unsafeBuffer
        var start = 0
        while start < buffer.count {
            let end = min(start + size, buffer.count)
            try body(UnsafeBufferPointer(rebasing: buffer[start..<end]))
            discard(before: end)
            start = end
        }
    }

    /// Owns the memory of all views.
    ///
    /// `@unchecked Sendable`: the bytes are never written after creation, and the closures are
    /// `@Sendable`; `discard` only drops pages that read back identical.
    final class Storage: @unchecked Sendable {
        let base: UnsafeRawBufferPointer
        /// nil: `base` was allocated here.
        let release: (@Sendable (UnsafeRawBufferPointer) -> Void)?
        let discard: (@Sendable (UnsafeRawBufferPointer, Range<Int>) -> Void)?
        let checkUnchanged: (@Sendable () throws -> Void)?

        init(base: UnsafeRawBufferPointer, release: (@Sendable (UnsafeRawBufferPointer) -> Void)?,
             discard: (@Sendable (UnsafeRawBufferPointer, Range<Int>) -> Void)?, checkUnchanged: (@Sendable () throws -> Void)?) {
            self.base = base
            self.release = release
            self.discard = discard
            self.checkUnchanged = checkUnchanged
        }

        deinit {
            if let release { release(base) } else { UnsafeMutableRawPointer(mutating: base.baseAddress)?.deallocate() }
        }
    }
}

/// The uploaded file was modified while it was being imported; nothing of it was stored.
public struct PayloadChanged: Error, Sendable, CustomStringConvertible {
    /// Stable code for programs.
    public let code = "file.changed"
    /// What happened, in Chinese.
    public let message = "文件在导入过程中被修改，导入已撤销，未写入任何数据。请在文件不再变化后重新导入。"
    public init() {}
    public var description: String { "\(message) [\(code)]" }
}
