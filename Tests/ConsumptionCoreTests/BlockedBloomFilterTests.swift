import TestSupport
import Testing

@testable import ConsumptionCore

@Suite("BlockedBloomFilter: one cache line a key, rare false maybes")
struct BlockedBloomFilterTests {
    @Test("at 30 bits a key, fewer than 1 in 10,000 new keys are taken for seen ones")
    func falsePositiveRate() {
        let filter = BlockedBloomFilter(byteCount: 1 << 20)
        let keys = (1 << 23) / 30
        var generator = TestRandom(seed: 42)
        var falseMaybes = 0
        for _ in 0..<keys where !filter.insert(generator.next()) { falseMaybes += 1 }
        var laterFalseMaybes = 0
        for _ in 0..<100_000 where !filter.insert(generator.next()) { laterFalseMaybes += 1 }
        #expect(falseMaybes < keys / 10_000)
        #expect(laterFalseMaybes < 10)
        var generatorAgain = TestRandom(seed: 42)
        #expect((0..<1000).allSatisfy { _ in !filter.insert(generatorAgain.next()) })  // every inserted key is "seen"
    }
}
