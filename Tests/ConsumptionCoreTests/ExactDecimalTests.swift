import ConsumptionCore
import Testing

@Suite("ExactDecimal: plain decimal text in, exact micro-kWh, plain decimal text out")
struct ExactDecimalTests {
    @Test(
        "parses plain decimals exactly",
        arguments: [
            ("0", 0), ("12", 12_000_000), ("0.5", 500_000), ("1.000001", 1_000_001), ("-2.25", -2_250_000),
            ("007.50", 7_500_000), ("999999999999.999999", 999_999_999_999_999_999),
            ("1.5000000000", 1_500_000),  // zeros past the sixth digit round nothing away
        ] as [(String, Int64)])
    func parsesPlainDecimals(text: String, units: Int64) {
        #expect(ExactDecimal(text)?.units == Int128(units))
    }

    @Test(
        "refuses anything but a plain decimal",
        arguments: [
            "", "-", ".5", "5.", "+1", "1e3", "1E-2", "0x10", "NaN", "nan", "Inf", "-Infinity", "1,000", "1 000",
            "1.2.3", "--1", "1-", " ", "١٢",
        ])
    func refusesNonPlainDecimals(text: String) {
        #expect(ExactDecimal(text) == nil)
    }

    @Test("refuses a seventh significant fraction digit instead of rounding it")
    func refusesTooManyDecimals() {
        #expect(ExactDecimal("0.1234567") == nil)
        #expect(ExactDecimal("0.1234560") != nil)
    }

    @Test("refuses more than twelve whole digits, leading zeros aside")
    func refusesHugeValues() {
        #expect(ExactDecimal("1000000000000") == nil)
        #expect(ExactDecimal("0000000000001") != nil)
    }

    @Test(
        "prints without exponent, float noise or trailing zeros",
        arguments: [
            (0, "0"), (1_500_000, "1.5"), (-250_000, "-0.25"), (1_234_500_000, "1234.5"), (1, "0.000001"),
            (10_000_000, "10"), (-1, "-0.000001"),
        ] as [(Int64, String)])
    func prints(units: Int64, text: String) {
        #expect(ExactDecimal(units: Int128(units)).description == text)
    }

    @Test("sums far beyond Int64 without overflow")
    func sumsBeyondInt64() {
        var total = ExactDecimal.zero
        let big = ExactDecimal(units: Int128(Int64.max))
        for _ in 0..<4 { total += big }
        #expect(total.units == Int128(Int64.max) * 4)
        #expect(total.description == "36893488147419.103228")
    }

    @Test("divides for averages, rounding half away from zero")
    func divides() {
        #expect(ExactDecimal(units: 10).divided(by: 4).units == 3)  // 2.5 -> 3
        #expect(ExactDecimal(units: -10).divided(by: 4).units == -3)
        #expect(ExactDecimal(units: 9).divided(by: 4).units == 2)
        #expect(ExactDecimal(units: 9).divided(by: 0) == .zero)
    }
}
