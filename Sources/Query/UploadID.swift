import ConsumptionCore

/// An upload's id: the day it was asked for and a random UUID, `2026-11-30-0f8fad5b-d9cb-469f-a165-70867728950e`.
/// The key's prefix follows from it and the caller's tenant, so a lookup needs no item of its own and a tenant can
/// only ever look under its own folder.
struct UploadID: Equatable {
    let date: CalendarDate
    let uuid: String

    var text: String { "\(date)-\(uuid)" }

    /// The key's start, up to the name: `incoming/<tenant>/<date>/<uuid>-`.
    func keyPrefix(incomingPrefix: String, tenant: String) -> String {
        "\(incomingPrefix)\(tenant)/\(date)/\(uuid)-"
    }

    /// A version-4 UUID from 16 random bytes.
    init(date: CalendarDate, random bytes: [UInt8]) {
        var bytes = bytes
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = bytes.map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }.joined()
        let characters = Array(hex)
        uuid = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
        self.date = date
    }

    /// Parses an id; nil when it is not one this API made.
    init?(_ text: String) {
        let characters = Array(text)
        guard characters.count == 47, characters[10] == "-", let date = CalendarDate(String(characters[0..<10]))
        else { return nil }
        let uuid = String(characters[11...])
        let shape = uuid.enumerated().allSatisfy { index, character in
            [8, 13, 18, 23].contains(index) ? character == "-" : character.isHexDigit && !character.isUppercase
        }
        guard shape else { return nil }
        self.date = date
        self.uuid = uuid
    }
}
