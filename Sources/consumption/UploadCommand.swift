import ArgumentParser
import CurlHTTP
import Glibc
import JSON

/// `consumption upload FILE --api URL --key KEY`: the two steps of a self-service upload — ask the API for a form
/// (`POST /uploads`), send the file to S3 with it — then, with `--wait`, ask what became of it.
struct UploadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload",
        abstract: "Upload a meter file through the API's presigned POST, into the API key's tenant folder.",
        discussion: "Prints the upload's id and key; with --wait, the ledger's status once the file is read.")

    @Argument(help: "The meter file.") var file: String
    @Option(help: "The API's base URL (the stack's ApiUrl, or the demo's).") var api: String
    @Option(help: "The API key's value (sent as x-api-key).") var key: String
    @Option(help: "Seconds to wait for the file to be read (0: do not wait).") var wait: Int = 0

    func validate() throws {
        guard api.hasPrefix("https://") || api.hasPrefix("http://") else { throw ValidationError("--api is a URL") }
        guard (0...3600).contains(wait) else { throw ValidationError("--wait is 0 to 3600 seconds") }
    }

    func run() throws {
        var status = stat()
        guard stat(file, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            throw ValidationError("\(file) is not a file")
        }
        let name = String(file.split(separator: "/").last ?? "upload")
        let http = try CurlHTTPClient()
        let base = api.hasSuffix("/") ? String(api.dropLast()) : api
        let form = try call(
            http, "POST", "\(base)/uploads",
            body: [
                "name": .string(name), "contentType": .string(Self.contentType(of: name)),
                "size": .integer(Int(status.st_size)),
            ])
        guard let url = form["url"]?.stringValue, let id = form["id"]?.stringValue,
            case .object(let fieldValues)? = form["fields"]
        else { throw ValidationError("the API's answer is not an upload form: \(form.serialized.prefix(300))") }
        let fields = fieldValues.keys.sorted().map { ($0, fieldValues[$0]?.stringValue ?? "") }
        let sent = try FormPost.send(
            to: url, fields: fields, fileField: form["fileField"]?.stringValue ?? "file", path: file, fileName: name,
            contentType: Self.contentType(of: name))
        guard (200..<300).contains(sent.status) else {
            throw ValidationError(
                "S3 refused the upload (\(sent.status)): \(String(decoding: sent.body.prefix(500), as: UTF8.self))")
        }
        print("\(id)\t\(form["key"]?.stringValue ?? "")")
        guard wait > 0 else { return }
        for _ in 0..<wait {
            let outcome = try call(http, "GET", "\(base)/uploads/\(id)", body: nil)
            if let state = outcome["status"]?.stringValue, state != "waiting", state != "processing" {
                print(state)
                if state != "ingested" { throw ExitCode(1) }
                return
            }
            sleep(1)
        }
        throw ValidationError("not read within \(wait) seconds; ask again: GET /uploads/\(id)")
    }

    private func call(_ http: CurlHTTPClient, _ method: String, _ url: String, body: JSONValue?) throws -> JSONValue {
        var headers: [(name: String, value: String)] = [("x-api-key", key)]
        if body != nil { headers.append(("content-type", "application/json")) }
        let response = try http.send(
            HTTPRequest(method: method, url: url, headers: headers, body: body?.serializedBytes ?? []))
        guard response.isSuccess else {
            throw ValidationError("\(method) \(url) answered \(response.status): \(response.bodyText.prefix(500))")
        }
        return try JSONParser.parse(response.body)
    }

    /// What S3 will record the file as: a meter file's type by its extension.
    static func contentType(of name: String) -> String {
        let lower = name.lowercased()
        if lower.hasSuffix(".gz") { return "application/gzip" }
        if lower.hasSuffix(".zip") { return "application/zip" }
        if lower.hasSuffix(".csv") { return "text/csv" }
        return "application/octet-stream"
    }
}
