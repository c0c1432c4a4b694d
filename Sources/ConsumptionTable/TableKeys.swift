import ConsumptionCore
import Hashing
import JSON

/// The single table's key layout (`pk`, `sk`, both strings). Every tenant's partition key starts with
/// `T#<tenant>#`, and tenant names hold no `#`, so no two tenants can share a partition.
///
/// | item | pk | sk |
/// | --- | --- | --- |
/// | reading (one per object version and meter-day) | `T#t#M#<meter>` | `R#<date>#<source>#<tag>` |
/// | meter-day (the reading that counts) | `T#t#M#<meter>` | `C#<date>` |
/// | page of a version's meter-days | `T#t#V#<source>#<tag>#<page / 100>` | `<page>` |
/// | day sum shard | `T#t#TOTALS` | `<date>#<shard>` |
/// | source (a key's counting version) | `T#t#SOURCE` | `<key>` |
/// | ledger (one per object version) | `T#t#LEDGER` | `<key>#<tag>` |
/// | tenant settings | `T#t#SETTINGS` | `settings` |
/// | settle job (a large version settled in parts) | `T#t#SETTLE` | `<source>#<offer or retire>#<tag>#<switch>` |
/// | API key -> tenant (table-wide) | `APIKEYS` | `<API key id>` |
/// | day waiting for the analytics layer (table-wide) | `ANALYTICS` | `<tenant>#<date>` |
///
/// The index `DayMeters` finds a day's meters: a meter-day item with a counting reading carries `dayShard`
/// (`T#t#D#<date>#<shard>`) and `meter`, so one day's meters are `shardCount` Queries of the index.
///
/// `<source>` is 32 hex digits of SHA-256(key), `<tag>` the 16-hex-digit `ObjectVersion.tag`, so the fixed-length
/// parts come first and meter ids or keys of any characters can end a key without escaping.
public enum TableKeys {
    /// A day's total is spread over this many sum shards (by meter), so that the stream fold of one busy day
    /// writes to 16 items, not one. Never change it for a table that holds data: sums would be split differently.
    public static let shardCount = 16

    /// FNV-1a over the meter id's UTF-8 bytes: stable across processes and languages (Swift's `hashValue` is not).
    public static func shard(ofMeter meter: String) -> Int {
        var hash: UInt32 = 2_166_136_261
        for byte in meter.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return Int(hash % UInt32(shardCount))
    }

    /// A fixed-length name of an object key inside other keys (a key may be 1,024 bytes).
    public static func keyHash(_ key: String) -> String {
        String(SHA256.hexHash(Array(key.utf8)).prefix(32))
    }

    static func shardLabel(_ shard: Int) -> String {
        shard < 10 ? "0\(shard)" : "\(shard)"
    }

    public static func meterPartition(tenant: String, meter: String) -> String {
        "T#\(tenant)#M#\(meter)"
    }

    /// The tenant and meter of a meter partition key; nil for any other partition.
    public static func parseMeterPartition(_ pk: String) -> (tenant: String, meter: String)? {
        let bytes = Array(pk.utf8)
        guard bytes.starts(with: Array("T#".utf8)), let hash = bytes.dropFirst(2).firstIndex(of: UInt8(ascii: "#")),
            bytes[hash...].starts(with: Array("#M#".utf8))
        else { return nil }
        return (String(decoding: bytes[2..<hash], as: UTF8.self), String(decoding: bytes[(hash + 3)...], as: UTF8.self))
    }

    public static let readingPrefix = "R#"
    public static let meterDayPrefix = "C#"

    public static func readingSort(date: CalendarDate, keyHash: String, tag: String) -> String {
        "\(readingPrefix)\(date)#\(keyHash)#\(tag)"
    }

    public static func meterDaySort(date: CalendarDate) -> String {
        "\(meterDayPrefix)\(date)"
    }

    public static func pagePartition(tenant: String, keyHash: String, tag: String, page: Int) -> String {
        "T#\(tenant)#V#\(keyHash)#\(tag)#\(page / VersionPage.pagesPerPartition)"
    }

    public static func pageSort(_ page: Int) -> String {
        let digits = String(page)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    public static func totalsPartition(tenant: String) -> String {
        "T#\(tenant)#TOTALS"
    }

    public static func totalsSort(date: CalendarDate, shard: Int) -> String {
        "\(date)#\(shardLabel(shard))"
    }

    public static func sourcePartition(tenant: String) -> String {
        "T#\(tenant)#SOURCE"
    }

    public static func settingsPartition(tenant: String) -> String {
        "T#\(tenant)#SETTINGS"
    }

    public static func settlePartition(tenant: String) -> String {
        "T#\(tenant)#SETTLE"
    }

    public static func quotaPartition(tenant: String) -> String {
        "T#\(tenant)#QUOTA"
    }

    public static func ledgerPartition(tenant: String) -> String {
        "T#\(tenant)#LEDGER"
    }

    /// DynamoDB's limit on a sort key, in bytes.
    public static let sortKeyLimit = 1024

    /// What a ledger sort key starts with for `key`: the key itself, or, when the key leaves no room for `#<tag>`
    /// within the limit (S3 keys run to 1,024 bytes), `#` and the SHA-256 of the key. The key is always kept whole in
    /// the entry's `objectKey`, which is what a lookup compares.
    public static func ledgerKeyPrefix(_ key: String) -> String {
        key.utf8.count + 1 + 16 <= sortKeyLimit ? key : "#" + SHA256.hexHash(Array(key.utf8))
    }

    public static func ledgerSort(key: String, tag: String) -> String {
        "\(ledgerKeyPrefix(key))#\(tag)"
    }

    /// The global secondary index on the meter-day items that hold a counting reading (sparse: no reading, no entry).
    public static let dayMetersIndex = "DayMeters"

    /// The index's partition key of a day's meters in one shard (the shard of `shard(ofMeter:)`, so the meters
    /// of index partition `s` are the ones summed in the day's sum shard `s`).
    public static func dayShard(tenant: String, date: CalendarDate, shard: Int) -> String {
        "T#\(tenant)#D#\(date)#\(shardLabel(shard))"
    }

    /// The table-wide partition of the days whose totals or meter-days changed since the analytics layer last
    /// wrote them.
    public static let analyticsPartition = "ANALYTICS"

    public static func analyticsSort(tenant: String, date: CalendarDate) -> String {
        "\(tenant)#\(date)"
    }

    /// The meters a tenant expects readings of every day, one item each, sorted by meter id.
    public static func rosterPartition(tenant: String) -> String {
        "T#\(tenant)#ROSTER"
    }

    /// The table-wide partition of the tenants that set a roster: its size, when to check a day, the last day checked.
    public static let rostersPartition = "ROSTERS"

    /// The one table-wide partition: which tenant each API key id belongs to.
    public static let apiKeyPartition = "APIKEYS"

    /// A Query's members for the items of `partition` whose sort key starts with `prefix`, read consistently (a
    /// prefix matches bytes: a caller whose prefix can end inside a longer name checks what comes back).
    public static func prefixQuery(partition: String, sortKeyPrefix prefix: String) -> [String: JSONValue] {
        [
            "ConsistentRead": true, "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": [
                ":pk": AttributeValues.string(partition), ":prefix": AttributeValues.string(prefix),
            ],
        ]
    }

    /// A DynamoDB key value.
    public static func key(_ pk: String, _ sk: String) -> JSONValue {
        ["pk": ["S": .string(pk)], "sk": ["S": .string(sk)]]
    }
}
