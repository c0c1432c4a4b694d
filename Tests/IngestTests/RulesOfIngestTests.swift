import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON
import LambdaRuntime
import Testing

@testable import Ingest

@Suite struct TenancyTests {
    @Test(arguments: [
        ("incoming/acme/2024/a.csv", Tenancy.Placement.tenant("acme")),
        ("incoming/a.csv", .tenant("default")),
        ("incoming/acme/", .folder),
        ("incoming/", .folder),
        ("reports/acme/a.csv.json", .outsideIncoming),
        ("incoming/ac#me/a.csv", .invalidTenant("ac#me")),
        ("incoming/../a.csv", .invalidTenant("..")),
        // A combining mark right after a slash: S3 sees the slash, and so must we.
        ("incoming/acme/\u{301}a.csv", .tenant("acme")),
        ("incoming/\u{301}acme/a.csv", .invalidTenant("\u{301}acme")),
        ("incoming/acme/\u{301}", .tenant("acme")),
    ])
    func theTenantIsTheFirstSegmentUnderTheIncomingPrefix(_ key: String, _ placement: Tenancy.Placement) {
        #expect(Tenancy.place(key: key, incomingPrefix: "incoming/", defaultTenant: "default") == placement)
    }
}

@Suite struct VersionRankTests {
    @Test func laterLastModifiedThenGreaterKeyInByteOrderThenGreaterETagWins() {
        let base = VersionRank(lastModified: 100, key: "b", eTag: "\"1\"")
        #expect(base < VersionRank(lastModified: 101, key: "a", eTag: "\"0\""))
        #expect(base < VersionRank(lastModified: 100, key: "c", eTag: "\"0\""))
        #expect(base < VersionRank(lastModified: 100, key: "b", eTag: "\"2\""))
        // Byte order: "Z" (0x5A) sorts before "a" (0x61), and "é" (0xC3 0xA9) after both.
        #expect(VersionRank(lastModified: 1, key: "Z", eTag: "") < VersionRank(lastModified: 1, key: "a", eTag: ""))
        #expect(VersionRank(lastModified: 1, key: "z", eTag: "") < VersionRank(lastModified: 1, key: "é", eTag: ""))
    }

    @Test func theConditionalWritesRankAsTheRuleDoesFieldByFieldInTheSameOrder() {
        var values: [JSONValue] = []
        let rank = VersionRank(lastModified: 100, key: "b", eTag: "\"1\"")
        let below = rank.condition(
            itemRanks: .below, name: { "#\($0)" },
            value: { (value: JSONValue) in
                values.append(value)
                return ":\(values.count)"
            })
        #expect(below == "#lastModified < :1 OR (#lastModified = :1 AND (#key < :2 OR (#key = :2 AND #eTag < :3)))")
        #expect(values == [["N": "100"], ["S": "b"], ["S": "\"1\""]])
        let above = rank.condition(itemRanks: .above, name: { "#\($0)" }, value: { _ in ":v" })
        #expect(above == "#lastModified > :v OR (#lastModified = :v AND (#key > :v OR (#key = :v AND #eTag > :v)))")
    }

    @Test func keysThatSwiftCallsEqualButS3KeepsApartAreTwoKeys() {
        let composed = "incoming/acme/M\u{E4}rz.csv"
        let decomposed = "incoming/acme/Ma\u{308}rz.csv"
        #expect(composed == decomposed)  // Swift's canonical equivalence: the trap
        let nfc = VersionRank(lastModified: 1, key: composed, eTag: "e")
        let nfd = VersionRank(lastModified: 1, key: decomposed, eTag: "e")
        #expect(nfc != nfd)
        #expect(nfd < nfc)  // "a" (0x61) sorts before 0xC3
        #expect(Set([ByteIdentity(composed), ByteIdentity(decomposed)]).count == 2)
        #expect(TableKeys.keyHash(composed) != TableKeys.keyHash(decomposed))
    }

    @Test func lastModifiedIsReadAsS3WritesIt() {
        #expect(HTTPDate.epochSeconds("Sun, 22 Nov 2026 01:02:03 GMT") == 1_795_309_323)
        #expect(HTTPDate.epochSeconds("Thu, 01 Jan 1970 00:00:00 GMT") == 0)
        #expect(HTTPDate.epochSeconds("Tue, 29 Feb 2028 23:59:59 GMT") == 1_835_481_599)
        #expect(HTTPDate.epochSeconds("2026-11-22T01:02:03Z") == nil)
        #expect(HTTPDate.epochSeconds("Sun, 22 Foo 2026 01:02:03 GMT") == nil)
    }

    @Test func versionTagsDifferByVersionIdOrByContentAndTime() {
        let versioned = ObjectVersion(key: "k", versionID: "v1", eTag: "e", lastModified: 1, size: 1)
        #expect(versioned.tag.count == 16)
        #expect(versioned.tag != ObjectVersion(key: "k", versionID: "v2", eTag: "e", lastModified: 1, size: 1).tag)
        let plain = ObjectVersion(key: "k", versionID: "null", eTag: "e", lastModified: 1, size: 1)
        #expect(plain.versionID == nil)
        #expect(plain.tag != ObjectVersion(key: "k", versionID: nil, eTag: "e", lastModified: 2, size: 1).tag)
    }
}

@Suite struct IngestConfigurationTests {
    let base = ["TABLE_NAME": "t"]

    @Test func defaultsAreTheDocumentedOnes() throws {
        let configuration = try IngestConfiguration.fromEnvironment(base)
        #expect(configuration.incomingPrefix == "incoming/")
        #expect(configuration.reportsPrefix == "reports/")
        #expect(configuration.defaultTenant == "default")
        #expect(configuration.writeParallelism == 8)
        #expect(!configuration.allowNegative)
        #expect(configuration.workQueueURL == nil && configuration.settlePartMeterDays == 100_000)
    }

    @Test(arguments: [
        ["TABLE_NAME": ""], ["INCOMING_PREFIX": "incoming"], ["REPORTS_PREFIX": "incoming/reports/"],
        ["DEFAULT_TENANT": "a b"], ["ALLOW_NEGATIVE": "yes"], ["INTERVAL_CEILING_KWH": "-1"],
        ["EARLIEST_DATE": "2024-13-01"], ["EARLIEST_DATE": "2024-05-02", "LATEST_DATE": "2024-05-01"],
        ["WRITE_PARALLELISM": "0"], ["READ_CHUNK_BYTES": "10"],
        // Parts of settling are whole pages of 1,000 meter-days.
        ["SETTLE_PART_METER_DAYS": "1500"], ["SETTLE_PART_METER_DAYS": "0"],
    ])
    func aBadSettingIsAnInitErrorNamingIt(_ overrides: [String: String]) {
        let environment = base.merging(overrides) { _, new in new }
        #expect {
            _ = try IngestConfiguration.fromEnvironment(environment)
        } throws: { error in
            guard let error = error as? LambdaError else { return false }
            return error.errorType == RuntimeErrorType.invalidConfiguration
                && overrides.keys.contains { error.errorMessage.contains($0) }
        }
    }
}
