import CurlHTTP
import Glibc
import JSON
import TestSupport
import Testing

/// Peak resident memory of this process so far, in MB.
private func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

@Suite("CurlHTTPClient against a local server", .serialized, .timeLimit(.minutes(2)))
final class CurlHTTPClientTests {
    let server: ServerProcess
    let client: CurlHTTPClient

    init() throws {
        server = try ServerProcess([testPython, "Tests/Servers/http_test_server.py", "300"])
        client = try CurlHTTPClient()
    }

    deinit {
        server.stop()
    }

    private func stats() throws -> JSONFields {
        try JSONFields(
            try JSONParser.parse(try client.send(HTTPRequest(method: "GET", url: server.baseURL + "/stats")).body))
    }

    @Test("sends method, headers and body, and reads status, headers and body")
    func roundTrip() throws {
        let response = try client.send(
            HTTPRequest(
                method: "PUT", url: server.baseURL + "/echo?a=1",
                headers: [("X-Test", "yes"), ("Content-Type", "text/csv")],
                body: Array("Meter,Date\n".utf8)))
        #expect(response.status == 200)
        #expect(response.header("content-type") == "application/json")
        let echo = try JSONFields(try JSONParser.parse(response.body))
        #expect(try echo.string("method") == "PUT")
        #expect(try echo.string("path") == "/echo?a=1")
        #expect(try echo.string("body") == "Meter,Date\n")
        let headers = try echo.object("headers")
        #expect(try headers.string("X-Test") == "yes")
        #expect(try headers.string("Content-Type") == "text/csv")
        #expect(headers.optionalValue("Expect") == nil)
        let head = try client.send(HTTPRequest(method: "HEAD", url: server.baseURL + "/echo"))
        #expect(head.status == 200 && head.body.isEmpty)
    }

    @Test("every status comes back as a response, not an error")
    func statuses() throws {
        for code in [204, 400, 404, 500, 503] {
            #expect(
                try client.send(HTTPRequest(method: "GET", url: server.baseURL + "/status?code=\(code)")).status == code
            )
        }
    }

    @Test("keeps one connection alive across sequential requests")
    func keepAlive() throws {
        let before = try stats().int("connections")
        for _ in 0..<25 { _ = try client.send(HTTPRequest(method: "GET", url: server.baseURL + "/echo")) }
        let after = try stats().int("connections")
        #expect(after - before <= 1)
        #expect(client.connectionsOpened <= 1)
    }

    @Test("streams a 512 MB body to a callback in bounded memory")
    func streaming() throws {
        let total = 512 << 20
        var received = 0
        var status = 0
        let peakBefore = peakRSSMegabytes()
        _ = try client.send(
            HTTPRequest(method: "GET", url: server.baseURL + "/bytes?n=\(total)", timeoutMilliseconds: 60_000),
            onHead: { code, _ in status = code },
            onBody: { piece in
                received += piece.count
                return true
            })
        #expect(status == 200)
        #expect(received == total)
        #expect(peakRSSMegabytes() - peakBefore < 64)
    }

    @Test("a body callback that says stop ends the transfer")
    func abort() throws {
        #expect(throws: HTTPError.aborted) {
            _ = try self.client.send(HTTPRequest(method: "GET", url: self.server.baseURL + "/bytes?n=10000000")) { _ in
                false
            }
        }
    }

    @Test("a slow answer times out within the time limit")
    func timeout() throws {
        let start = ContinuousClock.now
        do {
            _ = try client.send(
                HTTPRequest(method: "GET", url: server.baseURL + "/slow?ms=3000", timeoutMilliseconds: 300))
            Issue.record("expected a timeout")
        } catch {
            guard case .transport(let failure) = error else {
                Issue.record("expected a transport error, got \(error)"); return
            }
            #expect(failure.kind == .timeout)
            #expect(failure.isRetryable)
        }
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test("a stream that stops moving fails as a timeout by its stall limit, not by a total limit")
    func stall() throws {
        var received = 0
        let request = HTTPRequest(
            method: "GET", url: server.baseURL + "/bytes?n=1000000&stallAfter=300000&holdMs=20000",
            timeoutMilliseconds: nil, stallSeconds: 1)
        do {
            _ = try client.send(request) { piece in
                received += piece.count
                return true
            }
            Issue.record("expected a timeout")
        } catch {
            // Without the stall limit, the server's hang-up after 20 s would end it as a lost connection.
            guard case .transport(let failure) = error else {
                Issue.record("expected a transport error, got \(error)"); return
            }
            #expect(failure.kind == .timeout)
        }
        #expect(received == 300_000)
    }

    @Test("a refused connection and a reset connection are typed transport failures")
    func transportFailures() throws {
        do {
            _ = try client.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:1/echo"))
            Issue.record("expected a refused connection")
        } catch {
            guard case .transport(let failure) = error else { Issue.record("got \(error)"); return }
            #expect(failure.kind == .connect)
        }
        do {
            _ = try client.send(HTTPRequest(method: "GET", url: server.baseURL + "/reset"))
            Issue.record("expected a reset connection")
        } catch {
            guard case .transport(let failure) = error else { Issue.record("got \(error)"); return }
            #expect(failure.kind == .connectionLost)
        }
        // The client recovers: the next request works.
        #expect(try client.send(HTTPRequest(method: "GET", url: server.baseURL + "/echo")).status == 200)
    }

    @Test("sends many requests in parallel, no more than asked at once, answers in request order")
    func parallel() throws {
        let requests = (0..<40).map {
            HTTPRequest(method: "GET", url: server.baseURL + "/slow?ms=\(20 + $0 % 3)&i=\($0)")
        }
        _ = try client.send(HTTPRequest(method: "GET", url: server.baseURL + "/stats"))
        let results = client.sendAll(requests, maxInFlight: 6)
        #expect(results.count == 40)
        for result in results {
            #expect((try? result.get().status) == 200)
        }
        let maxInFlight = try stats().int("maxInFlight")
        #expect(maxInFlight <= 6)
        #expect(maxInFlight >= 2)
    }

    @Test("a request refused when its turn comes is never sent; the others are")
    func refusedAtItsTurn() throws {
        let requests = (0..<8).map { HTTPRequest(method: "GET", url: server.baseURL + "/slow?ms=20&i=\($0)") }
        let results = client.sendAll(requests, maxInFlight: 2, mayStart: { $0 < 5 })
        for (index, result) in results.enumerated() {
            if index < 5 {
                #expect((try? result.get().status) == 200)
            } else if case .failure(let error) = result {
                #expect(error == .notStarted)
            } else {
                Issue.record("request \(index) was sent")
            }
        }
    }
}
