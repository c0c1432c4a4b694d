import CZlib

/// Streaming reader of a zip archive, member by member, as its bytes arrive: each local file header, then the
/// member's data (stored, or deflated: inflated here), checked against its CRC-32, then the data descriptor if the
/// header defers its sizes to one. It stops at the central directory, which repeats what the local headers said.
/// Reading in order needs no random access, so an archive streams like any file (metering providers zip NEM12).
final class ZipReader {
    enum Failure: Error {
        case corrupt(String)
        case truncated
        case unsupported(String)
        case tooLarge
        case ratio
    }

    enum Event {
        case memberStart(name: String)
        case bytes(UnsafeBufferPointer<UInt8>)
        case memberEnd
    }

    private enum State: Equatable {
        case header
        case stored(remaining: Int)
        case deflated
        case descriptor
        case directory
    }

    private static let localHeaderSignature: UInt32 = 0x0403_4B50
    private static let directorySignature: UInt32 = 0x0201_4B50
    private static let endSignature: UInt32 = 0x0605_4B50
    private static let descriptorSignature: UInt32 = 0x0807_4B50
    private static let fixedHeaderBytes = 30

    private var budget: InflationBudget
    private var state = State.header
    /// Header or descriptor bytes gathered across input pieces.
    private var pending: [UInt8] = []
    private var expectedCRC: UInt32 = 0
    private var crc: UInt = 0
    private var usesDescriptor = false
    private var members = 0
    /// The member being inflated (method 8).
    private var inflater: Inflater?

    init(maxOutputBytes: Int, maxRatio: Int) {
        budget = InflationBudget(maxOutputBytes: maxOutputBytes, maxRatio: maxRatio)
    }

    func read(_ input: UnsafeBufferPointer<UInt8>, _ handle: (Event) -> Void) throws(Failure) {
        guard let base = input.baseAddress else { return }
        var offset = 0
        while offset < input.count {
            let rest = UnsafeBufferPointer(start: base + offset, count: input.count - offset)
            let before = state
            let used: Int
            switch state {
            case .header: used = try readHeader(rest, handle)
            case .stored(let remaining): used = try readStored(rest, remaining: remaining, handle)
            case .deflated: used = try readDeflated(rest, handle)
            case .descriptor: used = try readDescriptor(rest, handle)
            case .directory: used = rest.count
            }
            // Every step takes bytes or moves on: a step that does neither would never end.
            guard used > 0 || state != before else { throw .corrupt("the archive does not advance") }
            offset += used
        }
    }

    /// Checks the archive did not stop inside a member, and held one.
    func finish() throws(Failure) {
        switch state {
        case .directory: break
        case .header where pending.isEmpty: break
        default: throw .truncated
        }
        if members == 0 { throw .corrupt("no member") }
    }

    private func readHeader(_ input: UnsafeBufferPointer<UInt8>, _ handle: (Event) -> Void) throws(Failure) -> Int {
        var used = gather(input, from: 0, upTo: 4)
        guard pending.count >= 4 else { return used }
        // The signature first: the central directory (or the end record of an empty archive) ends the members.
        if pending.count == 4 {
            let signature = Self.uint32(pending, 0)
            if signature == Self.directorySignature || signature == Self.endSignature {
                pending = []
                state = .directory
                return used
            }
            guard signature == Self.localHeaderSignature else {
                throw .corrupt("no local file header where one is due")
            }
        }
        used = gather(input, from: used, upTo: Self.fixedHeaderBytes)
        guard pending.count >= Self.fixedHeaderBytes else { return used }
        let nameBytes = Int(Self.uint16(pending, 26))
        let whole = Self.fixedHeaderBytes + nameBytes + Int(Self.uint16(pending, 28))
        used = gather(input, from: used, upTo: whole)
        guard pending.count == whole else { return used }
        let flags = Self.uint16(pending, 6)
        let method = Self.uint16(pending, 8)
        let compressed = Self.uint32(pending, 18)
        let name = String(
            decoding: pending[Self.fixedHeaderBytes..<Self.fixedHeaderBytes + nameBytes], as: UTF8.self)
        guard flags & 1 == 0 else { throw .unsupported("member '\(name.prefix(64))' is encrypted") }
        guard compressed != 0xFFFF_FFFF else { throw .unsupported("member '\(name.prefix(64))' needs zip64") }
        usesDescriptor = flags & 8 != 0
        expectedCRC = Self.uint32(pending, 14)
        crc = crc32(0, nil, 0)
        pending = []
        members += 1
        handle(.memberStart(name: name))
        switch method {
        case 0:
            guard !usesDescriptor else {
                throw .unsupported("member '\(name.prefix(64))' is stored with its size after its data")
            }
            state = .stored(remaining: Int(compressed))
            if compressed == 0 { try endMember(handle) }
        case 8:
            // -15: raw deflate (a zip member has no zlib or gzip wrapper), a 32 KiB window.
            inflater = try Self.converted { () throws(Inflater.Failure) in try Inflater(windowBits: -15) }
            state = .deflated
        default:
            throw .unsupported(
                "member '\(name.prefix(64))' is compressed with method \(method) (only 0 and 8 are read)")
        }
        return used
    }

    private func readStored(_ input: UnsafeBufferPointer<UInt8>, remaining: Int, _ handle: (Event) -> Void)
        throws(Failure) -> Int
    {
        let take = min(remaining, input.count)
        let piece = UnsafeBufferPointer(rebasing: input[0..<take])
        try Self.converted { () throws(Inflater.Failure) in try budget.spend(take, consumed: take) }
        budget.inputBytes += take
        emit(piece, handle)
        state = .stored(remaining: remaining - take)
        if remaining == take { try endMember(handle) }
        return take
    }

    private func readDeflated(_ input: UnsafeBufferPointer<UInt8>, _ handle: (Event) -> Void) throws(Failure) -> Int {
        guard let inflater else { throw .corrupt("no deflate stream open") }
        let (consumed, ended) = try Self.converted { () throws(Inflater.Failure) in
            try inflater.inflate(input, budget: &budget) { emit($0, handle) }
        }
        if ended {
            self.inflater = nil
            if usesDescriptor {
                state = .descriptor
            } else {
                try endMember(handle)
            }
        }
        return consumed
    }

    /// CRC-32, then the sizes (4 bytes each), after an optional signature: the CRC is what matters here.
    private func readDescriptor(_ input: UnsafeBufferPointer<UInt8>, _ handle: (Event) -> Void) throws(Failure) -> Int {
        var used = gather(input, from: 0, upTo: 4)
        guard pending.count >= 4 else { return used }
        let need = Self.uint32(pending, 0) == Self.descriptorSignature ? 16 : 12
        used = gather(input, from: used, upTo: need)
        guard pending.count == need else { return used }
        expectedCRC = Self.uint32(pending, need - 12)
        pending = []
        try endMember(handle)
        return used
    }

    /// Moves bytes of `input` from `start` into `pending` until it holds `count`; returns where it stopped.
    private func gather(_ input: UnsafeBufferPointer<UInt8>, from start: Int, upTo count: Int) -> Int {
        let take = max(0, min(count - pending.count, input.count - start))
        pending.append(contentsOf: input[start..<start + take])
        return start + take
    }

    private func emit(_ piece: UnsafeBufferPointer<UInt8>, _ handle: (Event) -> Void) {
        crc = crc32(crc, piece.baseAddress, UInt32(piece.count))
        handle(.bytes(piece))
    }

    private static func converted<Value>(_ body: () throws(Inflater.Failure) -> Value) throws(Failure) -> Value {
        do throws(Inflater.Failure) {
            return try body()
        } catch {
            switch error {
            case .corrupt(let message): throw .corrupt(message)
            case .tooLarge: throw .tooLarge
            case .ratio: throw .ratio
            }
        }
    }

    private func endMember(_ handle: (Event) -> Void) throws(Failure) {
        guard UInt32(truncatingIfNeeded: crc) == expectedCRC else { throw .corrupt("a member's CRC-32 does not match") }
        state = .header
        handle(.memberEnd)
    }

    private static func uint16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    private static func uint32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }
}
