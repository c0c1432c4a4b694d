import AWSSigV4
import ConsumptionCore
import JSON

/// The single table's key layout (`pk`, `sk`, both strings). Every tenant's partition key starts with
/// `T#<tenant>#`, and tenant names hold no `#`, so no two tenants can share a partition.
///
/// | item | pk | sk |
/// | --- | --- | --- |
/// | reading (one per source object) | `T#t#D#<date>#B#<bucket>` | `<source>#<version>#<meter>` |
/// | meter's copy of a reading | `T#t#M#<meter>` | `<date>#<source>#<version>` |
/// | day bucket sum | `T#t#TOTALS` | `<date>#<bucket>` |
/// | source (a key's current version) | `T#t#SOURCE` | `<key>` |
/// | ledger (one per object version) | `T#t#LEDGER` | `<key>#<version>` |
/// | API key -> tenant (table-wide) | `APIKEYS` | `<API key id>` |
///
/// `<source>` is 32 hex digits of SHA-256(key), `<version>` the 16-hex-digit `ObjectVersion.tag`, so the fixed-length
/// parts come first and meter ids or keys of any characters can end a key without escaping.
public enum TableKeys {
    /// Meters are spread over this many buckets per day; a day's total is the sum of its bucket items. Never change
    /// it for a table that holds data: readings would be looked for in the wrong buckets.
    public static let bucketCount = 16

    /// FNV-1a over the meter id's UTF-8 bytes: stable across processes and languages (Swift's `hashValue` is not).
    public static func bucket(ofMeter meter: String) -> Int {
        var hash: UInt32 = 2_166_136_261
        for byte in meter.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return Int(hash % UInt32(bucketCount))
    }

    public static func sourceID(ofKey key: String) -> String {
        String(SHA256.hexHash(Array(key.utf8)).prefix(32))
    }

    static func bucketLabel(_ bucket: Int) -> String {
        bucket < 10 ? "0\(bucket)" : "\(bucket)"
    }

    public static func readingPartition(tenant: String, date: CalendarDate, bucket: Int) -> String {
        "T#\(tenant)#D#\(date)#B#\(bucketLabel(bucket))"
    }

    public static func readingSort(source: String, version: String, meter: String) -> String {
        "\(source)#\(version)#\(meter)"
    }

    public static func meterPartition(tenant: String, meter: String) -> String {
        "T#\(tenant)#M#\(meter)"
    }

    public static func meterSort(date: CalendarDate, source: String, version: String) -> String {
        "\(date)#\(source)#\(version)"
    }

    public static func totalsPartition(tenant: String) -> String {
        "T#\(tenant)#TOTALS"
    }

    public static func totalsSort(date: CalendarDate, bucket: Int) -> String {
        "\(date)#\(bucketLabel(bucket))"
    }

    public static func sourcePartition(tenant: String) -> String {
        "T#\(tenant)#SOURCE"
    }

    public static func ledgerPartition(tenant: String) -> String {
        "T#\(tenant)#LEDGER"
    }

    public static func ledgerSort(key: String, version: String) -> String {
        "\(key)#\(version)"
    }

    /// The one table-wide partition: which tenant each API key id belongs to.
    public static let apiKeyPartition = "APIKEYS"

    /// A DynamoDB key value.
    public static func key(_ pk: String, _ sk: String) -> JSONValue {
        ["pk": ["S": .string(pk)], "sk": ["S": .string(sk)]]
    }
}
