/// Reads a TZif file (RFC 8536, versions 1 to 4) into `ZoneRules`: the 64-bit data block of a version 2+ file (or
/// the 32-bit one of a version 1 file) and its footer rule. Leap seconds are ignored, as the `right/` zones are
/// not meter time.
public enum TZifReader {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    public static func rules(name: String, bytes: [UInt8]) throws(Failure) -> ZoneRules {
        var input = Input(bytes: bytes)
        let first = try header(&input)
        var block = first
        var timeSize = 4
        if first.version >= 2 {
            // The version 1 block is there for old readers; the 64-bit block after it is the one that counts.
            try input.skip(first.dataLength(timeSize: 4))
            block = try header(&input)
            timeSize = 8
        }
        var transitions: [Int] = []
        for _ in 0..<block.timeCount { transitions.append(try input.signed(timeSize)) }
        var typeIndices: [Int] = []
        for _ in 0..<block.timeCount { typeIndices.append(Int(try input.byte())) }
        var typeOffsets: [Int] = []
        for _ in 0..<block.typeCount {
            typeOffsets.append(try input.signed(4))
            try input.skip(2)  // is-DST flag and abbreviation index: the offset is all a meter day needs
        }
        guard !typeOffsets.isEmpty else { throw Failure(description: "\(name): no local time types") }
        guard typeIndices.allSatisfy({ $0 < typeOffsets.count }) else {
            throw Failure(description: "\(name): a transition names a local time type that is not there")
        }
        guard zip(transitions, transitions.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw Failure(description: "\(name): transitions out of order")
        }
        try input.skip(block.characterCount + block.leapCount * (timeSize + 4) + block.standardCount + block.utcCount)
        var footer: PosixZoneRule?
        if first.version >= 2 {
            let text = try input.footer()
            if !text.isEmpty {
                guard let rule = PosixZoneRule(text) else {
                    throw Failure(description: "\(name): footer '\(text.prefix(60))' is not a TZ rule")
                }
                footer = rule
            }
        }
        return ZoneRules(
            name: name, transitions: transitions, offsets: typeIndices.map { typeOffsets[$0] },
            initialOffset: typeOffsets[0], footer: footer)
    }

    private struct Header {
        let version: Int
        let utcCount: Int
        let standardCount: Int
        let leapCount: Int
        let timeCount: Int
        let typeCount: Int
        let characterCount: Int

        func dataLength(timeSize: Int) -> Int {
            timeCount * (timeSize + 1) + typeCount * 6 + characterCount + leapCount * (timeSize + 4)
                + standardCount + utcCount
        }
    }

    private static func header(_ input: inout Input) throws(Failure) -> Header {
        guard try input.take(4).elementsEqual("TZif".utf8) else { throw Failure(description: "not a TZif file") }
        let versionByte = try input.byte()
        let version: Int
        switch versionByte {
        case 0: version = 1
        case UInt8(ascii: "2")...UInt8(ascii: "4"): version = Int(versionByte - UInt8(ascii: "0"))
        default: throw Failure(description: "TZif version byte \(versionByte) unknown")
        }
        try input.skip(15)
        var counts: [Int] = []
        for _ in 0..<6 {
            let count = try input.signed(4)
            guard count >= 0, count < 1 << 20 else { throw Failure(description: "TZif count \(count) out of range") }
            counts.append(count)
        }
        return Header(
            version: version, utcCount: counts[0], standardCount: counts[1], leapCount: counts[2],
            timeCount: counts[3], typeCount: counts[4], characterCount: counts[5])
    }

    private struct Input {
        let bytes: [UInt8]
        var position = 0

        mutating func take(_ count: Int) throws(Failure) -> ArraySlice<UInt8> {
            guard count >= 0, bytes.count - position >= count else {
                throw Failure(description: "TZif file ends early")
            }
            defer { position += count }
            return bytes[position..<position + count]
        }

        mutating func skip(_ count: Int) throws(Failure) { _ = try take(count) }

        mutating func byte() throws(Failure) -> UInt8 { try take(1).first ?? 0 }

        /// A big-endian two's-complement integer of `size` bytes.
        mutating func signed(_ size: Int) throws(Failure) -> Int {
            var value: UInt64 = 0
            for byte in try take(size) { value = value << 8 | UInt64(byte) }
            let shift = UInt64(64 - size * 8)
            return Int(Int64(bitPattern: value << shift) >> Int64(shift))
        }

        /// `\n<TZ string>\n`.
        mutating func footer() throws(Failure) -> String {
            guard try byte() == UInt8(ascii: "\n"),
                let end = bytes[position...].firstIndex(of: UInt8(ascii: "\n"))
            else { throw Failure(description: "TZif footer missing") }
            defer { position = end + 1 }
            return String(decoding: bytes[position..<end], as: UTF8.self)
        }
    }
}
