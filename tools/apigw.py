"""API Gateway proxy events as REST APIs (payload 1.0) and HTTP APIs (payload 2.0) send them, and the proxy
response read back: what the query function gets and gives in AWS."""
import base64
import json
import urllib.parse
import uuid


def v1(path, query=None, method="GET", headers=None, tenant=None, api_key_id=None, path_parameters=None, body=None,
       resource=None, source=("203.0.113.7", "pytest"), stage="prod", api_id="abc123"):
    """`query` maps a name to a list of values (REST keeps them all in multiValueQueryStringParameters); `resource` is
    the template the path matched (the path itself by default); `source` is the caller's address and user agent."""
    query = query or {}
    headers = {"Host": f"{api_id}.execute-api.eu-west-1.amazonaws.com", **(headers or {})}
    context = {"resourcePath": resource or path, "httpMethod": method, "path": path, "requestId": str(uuid.uuid4()),
               "accountId": "123456789012", "stage": stage,
               "identity": {"sourceIp": source[0], "userAgent": source[1]}, "apiId": api_id}
    if api_key_id:
        context["identity"]["apiKeyId"] = api_key_id
    if tenant:
        context["authorizer"] = {"tenant": tenant, "principalId": "user-1"}
    return {"resource": resource or path, "path": path, "httpMethod": method, "headers": headers,
            "multiValueHeaders": {name: [value] for name, value in headers.items()},
            "queryStringParameters": {name: values[-1] for name, values in query.items()} or None,
            "multiValueQueryStringParameters": query or None, "pathParameters": path_parameters or None,
            "stageVariables": None, "requestContext": context,
            "body": base64.b64encode(body).decode() if body else None, "isBase64Encoded": bool(body)}


def v2(path, query=None, method="GET", headers=None, tenant=None, jwt_tenant=None, path_parameters=None, body=None):
    """HTTP APIs join repeated query values with commas."""
    query = query or {}
    raw_query = urllib.parse.urlencode([(name, value) for name, values in query.items() for value in values])
    authorizer = {}
    if tenant:
        authorizer["lambda"] = {"tenant": tenant}
    if jwt_tenant:
        authorizer["jwt"] = {"claims": {"tenant": jwt_tenant, "sub": "u1"}, "scopes": None}
    event = {"version": "2.0", "routeKey": f"{method} {path}", "rawPath": path, "rawQueryString": raw_query,
             "headers": {"host": "abc123.execute-api.eu-west-1.amazonaws.com", **(headers or {})},
             "requestContext": {"accountId": "123456789012", "apiId": "abc123", "domainName": "abc123.example",
                                "http": {"method": method, "path": path, "protocol": "HTTP/1.1",
                                         "sourceIp": "203.0.113.7", "userAgent": "pytest"},
                                "requestId": str(uuid.uuid4()), "routeKey": f"{method} {path}", "stage": "$default"},
             "isBase64Encoded": bool(body)}
    if query:
        event["queryStringParameters"] = {name: ",".join(values) for name, values in query.items()}
    if path_parameters:
        event["pathParameters"] = path_parameters
    if authorizer:
        event["requestContext"]["authorizer"] = authorizer
    if body:
        event["body"] = base64.b64encode(body).decode()
    return event


class Response:
    def __init__(self, invocation):
        assert invocation["outcome"] == "ok", invocation
        proxy = json.loads(invocation["body"])
        self.status = proxy["statusCode"]
        self.headers = proxy["headers"]
        body = proxy["body"]
        self.text = base64.b64decode(body).decode() if proxy.get("isBase64Encoded") else body
        self.duration_ms = invocation.get("durationMs")

    @property
    def json(self):
        assert self.headers["Content-Type"] == "application/json", self.headers
        return json.loads(self.text)
