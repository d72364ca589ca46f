"""emulate's Python runtime client: polls the Runtime API and runs a module.function handler the way awslambdaric does (standard library only, Python 3.8+)."""

import decimal
import http.client
import importlib
import json
import logging
import os
import sys
import time
import traceback

RUNTIME_PATH = "/2018-06-01/runtime"
ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"
XRAY_ERROR_CAUSE_HEADER = "Lambda-Runtime-Function-XRay-Error-Cause"
# Not Lambda's: emulate's Runtime API answers a /response carrying it with the next invocation instead of a 202.
THEN_NEXT_HEADER = "x-emulate-then-next"
# Node's default header limit is 16 KiB; a larger X-Ray cause would get the whole /error post refused, so it is left out.
MAX_XRAY_CAUSE_BYTES = 8 * 1024
ERROR_LOG_LINE_TERMINATE = "\r"
ERROR_LOG_IDENT = "\u00a0"  # awslambdaric indents traceback lines with NO-BREAK SPACEs
UNHANDLED_EXCEPTION_WARNING = (
    "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. However, in rare "
    "cases, a Lambda runtime update can cause unexpected function behavior. For functions using managed runtimes, "
    "runtime updates can be triggered by a function change, or can be applied automatically. To determine if the "
    "runtime has been updated, check the runtime version in the INIT_START log entry. If this error correlates with a "
    "change in the runtime version, you may be able to mitigate this error by temporarily rolling back to the "
    "previous runtime version. For more information, see https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html"
)

_request_id = None
_tenant_id = None


class FaultException(Exception):
    """An error the runtime reports under a Runtime.* type (awslambdaric's FaultException)."""

    MARSHAL_ERROR = "Runtime.MarshalError"
    UNMARSHAL_ERROR = "Runtime.UnmarshalError"
    USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
    HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
    IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
    BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
    MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
    LAMBDA_CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"

    def __init__(self, exception_type, msg, trace=None):
        super().__init__(msg)
        self.msg = msg
        self.exception_type = exception_type
        self.trace = trace


# --- JSON: awslambdaric's encoder (simplejson) writes Decimals as numbers; the standard library needs a hand.


class _Encoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, decimal.Decimal):
            if o.is_nan():
                return float("nan")
            # simplejson writes str(o) verbatim; the closest the standard library gets is int or float by its spelling.
            text = str(o)
            return float(o) if any(c in text for c in ".eE") else int(o)
        return super().default(o)


def to_json(obj):
    return json.dumps(obj, cls=_Encoder)


# --- The Runtime API, over one keep-alive connection.


class RuntimeApiError(Exception):
    def __init__(self, endpoint, status, body):
        super().__init__(
            "Request to Lambda Runtime '{}' endpoint failed. Reason: '{}'. Response body: '{}'".format(endpoint, status, body)
        )


class RuntimeClient(object):
    def __init__(self, address):
        host, _, port = address.rpartition(":")
        self.host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
        self.port = int(port)
        self.connection = None
        # The next invocation as the answer to the last /response (None: the server answered 202).
        self.next_from_post = None

    def _request(self, method, path, body=None, headers=None):
        # A dropped connection ends the runtime (as with the native client): the Runtime API closes it to stop us.
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port)
        self.connection.request(method, path, body=body, headers=headers or {})
        response = self.connection.getresponse()
        return response, response.read()

    def wait_next_invocation(self):
        answered, self.next_from_post = self.next_from_post, None
        if answered is not None:
            return answered
        response, body = self._request("GET", RUNTIME_PATH + "/invocation/next")
        if response.status != 200:
            raise RuntimeApiError("/runtime/invocation/next", response.status, body)
        return response.headers, body

    def _post(self, path, body, headers):
        if isinstance(body, str):
            body = body.encode("utf-8")
        response, data = self._request("POST", RUNTIME_PATH + path, body, headers)
        if response.status >= 300:
            # As the native client: log and carry on polling.
            sys.stdout.write(
                "[ERROR] [{}] LAMBDA_RUNTIME Failed to post to {}. Http response code: {}. {}\n".format(
                    int(time.time() * 1000), path, response.status, data.decode("utf-8", "replace")
                )
            )
        return response, data

    def post_invocation_result(self, invoke_id, result, content_type):
        # emulate's Runtime API answers 200 with the next invocation (one round trip each); a 202 leaves it to /next.
        headers = {"Content-Type": content_type, THEN_NEXT_HEADER: "1"}
        response, data = self._post("/invocation/{}/response".format(invoke_id), result, headers)
        if response.status == 200:
            self.next_from_post = (response.headers, data)

    def post_invocation_error(self, invoke_id, error_json, xray_cause):
        headers = {"Content-Type": "application/json"}
        if xray_cause and len(xray_cause.encode("utf-8")) <= MAX_XRAY_CAUSE_BYTES:
            headers[XRAY_ERROR_CAUSE_HEADER] = xray_cause
        self._post("/invocation/{}/error".format(invoke_id), error_json, headers)

    def post_init_error(self, error_result):
        headers = {"Content-Type": "application/json", ERROR_TYPE_HEADER: error_result["errorType"]}
        self._post("/init/error", to_json(error_result), headers)


# --- The context object (awslambdaric's LambdaContext).


class CognitoIdentity(object):
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]


class Client(object):
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]


class ClientContext(object):
    __slots__ = ["custom", "env", "client"]


def _make_obj_from_dict(cls, values):
    if values is None:
        return None
    obj = cls()
    for field in cls.__slots__:
        setattr(obj, field, values.get(field, None))
    return obj


class LambdaContext(object):
    def __init__(self, invoke_id, client_context, cognito_identity, deadline_ms, invoked_function_arn=None, tenant_id=None):
        self.aws_request_id = invoke_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.tenant_id = tenant_id
        self.client_context = _make_obj_from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = _make_obj_from_dict(Client, self.client_context.client)
        self.identity = _make_obj_from_dict(CognitoIdentity, {})
        if cognito_identity is not None:
            self.identity.cognito_identity_id = cognito_identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = cognito_identity.get("cognitoIdentityPoolId")
        self._epoch_deadline_time_in_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        delta_ms = self._epoch_deadline_time_in_ms - int(time.time() * 1000)
        return delta_ms if delta_ms > 0 else 0

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        return (
            "LambdaContext([aws_request_id={},log_group_name={},log_stream_name={},function_name={},"
            "memory_limit_in_mb={},function_version={},invoked_function_arn={},client_context={},identity={},"
            "tenant_id={}])".format(
                self.aws_request_id,
                self.log_group_name,
                self.log_stream_name,
                self.function_name,
                self.memory_limit_in_mb,
                self.function_version,
                self.invoked_function_arn,
                self.client_context,
                self.identity,
                self.tenant_id,
            )
        )


def _parse_json_header(value, name):
    try:
        return json.loads(value)
    except Exception as e:
        raise FaultException(
            FaultException.LAMBDA_CONTEXT_UNMARSHAL_ERROR, "Unable to parse {} JSON: {}".format(name, str(e))
        )


# --- Handler loading and error shapes.


def _requirements_hint(error, modname):
    # sam build installs requirements.txt into the code folder; without that step a dependency is simply missing.
    root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    missing = getattr(error, "name", None)
    if not isinstance(error, ModuleNotFoundError) or not missing or missing == modname.replace("/", "."):
        return ""
    if not os.path.exists(os.path.join(root, "requirements.txt")):
        return ""
    return (
        ". The function has a requirements.txt that is not installed: run "
        "'pip install -r requirements.txt -t {0}' (what sam build does), or install them into a virtualenv "
        "and start emulate with it activated".format(root)
    )


def _get_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(FaultException.MALFORMED_HANDLER_NAME, "Bad handler '{}': {}".format(handler, str(e)))
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(
                FaultException.BUILT_IN_MODULE_CONFLICT,
                "Cannot use built-in module {} as a handler module".format(modname),
            )
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise FaultException(
            FaultException.IMPORT_MODULE_ERROR,
            "Unable to import module '{}': {}{}".format(modname, str(e), _requirements_hint(e, modname)),
        )
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(
            FaultException.USER_CODE_SYNTAX_ERROR, "Syntax error in module '{}': {}".format(modname, str(e)), trace
        )
    try:
        return getattr(module, fname)
    except AttributeError:
        raise FaultException(
            FaultException.HANDLER_NOT_FOUND, "Handler '{}' missing on module '{}'".format(fname, modname)
        )


def make_error(error_message, error_type, stack_trace, invoke_id=None):
    return {
        "errorMessage": error_message if error_message else "",
        "errorType": error_type if error_type else "",
        "requestId": invoke_id if invoke_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def _user_frames(tb):
    """The traceback from the first frame outside this file: the runtime's own frames are not the function's."""
    frames = [(f.filename, f.lineno, f.name, f.line) for f in traceback.extract_tb(tb)]
    for i, frame in enumerate(frames):
        if "/bootstrap.py" not in frame[0]:
            return frames[i:]
    return frames


def make_xray_fault(ex_type, ex_msg, working_dir, frames):
    stack = [{"label": name, "path": path, "line": line} for path, line, name, _ in frames]
    return {
        "working_directory": working_dir,
        "exceptions": [{"message": ex_msg, "type": ex_type, "stack": stack}],
        "paths": list({path for path, _, _, _ in frames}),
    }


def _replace_line_indentation(line, indent_char, new_indent_char):
    count = len(line) - len(line.lstrip(indent_char))
    return new_indent_char * count + line[count:]


def log_error(error_result):
    """awslambdaric's text form: `[ERROR] Type: message`, then the traceback, all on one physical line (`\\r`)."""
    description = "[ERROR]"
    if error_result.get("errorType"):
        description += " " + error_result["errorType"]
    if error_result.get("errorMessage"):
        if error_result.get("errorType"):
            description += ":"
        description += " " + error_result["errorMessage"]
    lines = [description]
    stack_trace = error_result.get("stackTrace")
    if stack_trace is not None:
        lines.append("Traceback (most recent call last):")
        for element in stack_trace:
            if element == "":
                lines.append("")
            else:
                for trace_line in element.splitlines():
                    lines.append(_replace_line_indentation(trace_line, " ", ERROR_LOG_IDENT))
    sys.stdout.write(ERROR_LOG_LINE_TERMINATE.join(lines) + "\n")


# --- Logging and output.


class Unbuffered(object):
    """Every write reaches the pipe at once, so output lands in the right invocation's log."""

    def __init__(self, stream):
        self.stream = stream

    def __getattr__(self, attr):
        return getattr(self.stream, attr)

    def write(self, msg):
        self.stream.write(msg)
        self.stream.flush()

    def writelines(self, msgs):
        self.stream.writelines(msgs)
        self.stream.flush()


class LambdaLoggerHandler(logging.Handler):
    def emit(self, record):
        sys.stdout.write(self.format(record))


class LambdaLoggerFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _request_id or ""
        record.tenant_id = _tenant_id
        return True


def _setup_logging():
    logging.Formatter.converter = time.gmtime
    handler = LambdaLoggerHandler()
    handler.setFormatter(
        logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S"
        )
    )
    handler.addFilter(LambdaLoggerFilter())
    root = logging.getLogger()
    level = (os.environ.get("AWS_LAMBDA_LOG_LEVEL") or "").upper()
    # Like Lambda: the root logger stays at WARNING unless AWS_LAMBDA_LOG_LEVEL says otherwise.
    if level in ("DEBUG", "INFO", "WARNING", "WARN", "ERROR", "CRITICAL", "FATAL"):
        root.setLevel({"WARN": "WARNING", "FATAL": "CRITICAL"}.get(level, level))
    root.addHandler(handler)


# --- One invocation.


def handle_event_request(client, request_handler, headers, body):
    invoke_id = headers.get("Lambda-Runtime-Aws-Request-Id")
    error_result = None
    xray_fault = None
    try:
        client_context = headers.get("Lambda-Runtime-Client-Context")
        cognito_identity = headers.get("Lambda-Runtime-Cognito-Identity")
        context = LambdaContext(
            invoke_id,
            _parse_json_header(client_context, "Client Context") if client_context else None,
            _parse_json_header(cognito_identity, "Cognito Identity") if cognito_identity else None,
            int(headers.get("Lambda-Runtime-Deadline-Ms") or 0),
            headers.get("Lambda-Runtime-Invoked-Function-Arn"),
            headers.get("Lambda-Runtime-Aws-Tenant-Id"),
        )
        content_type = headers.get("Content-Type") or "application/json"
        if content_type == "application/json":
            try:
                event = json.loads(body)
            except Exception as e:
                raise FaultException(FaultException.UNMARSHAL_ERROR, "Unable to unmarshal input: {}".format(str(e)))
        else:
            event = body
        response = request_handler(event, context)
        if isinstance(response, bytes):
            result, result_content_type = response, "application/unknown"
        else:
            try:
                result, result_content_type = to_json(response), "application/json"
            except Exception as e:
                raise FaultException(FaultException.MARSHAL_ERROR, "Unable to marshal response: {}".format(str(e)))
    except FaultException as e:
        xray_fault = make_xray_fault("LambdaValidationError", e.msg, os.getcwd(), [])
        error_result = make_error(e.msg, e.exception_type, e.trace, invoke_id)
    except Exception:
        etype, value, tb = sys.exc_info()
        frames = _user_frames(tb)
        xray_fault = make_xray_fault(etype.__name__, str(value), os.getcwd(), frames)
        error_result = make_error(
            str(value), etype.__name__, traceback.format_list(frames), invoke_id
        )

    if error_result is not None:
        log_error(error_result)
        client.post_invocation_error(invoke_id, to_json(error_result), to_json(xray_fault))
    else:
        client.post_invocation_result(invoke_id, result, result_content_type)


def main():
    global _request_id, _tenant_id
    sys.stdout = Unbuffered(sys.stdout)
    sys.stderr = Unbuffered(sys.stderr)

    address = os.environ.get("AWS_LAMBDA_RUNTIME_API")
    if not address:
        sys.stderr.write("AWS_LAMBDA_RUNTIME_API environment variable is not set\n")
        sys.exit(1)
    handler = os.environ.get("_HANDLER") or (sys.argv[1] if len(sys.argv) > 1 else "")
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    # The function's modules come first; this file's own directory (Python puts it first) must not shadow them.
    if sys.path and os.path.abspath(sys.path[0] or ".") == os.path.dirname(os.path.abspath(__file__)):
        sys.path.pop(0)
    sys.path.insert(0, task_root)

    client = RuntimeClient(address)
    try:
        _setup_logging()
        request_handler = _get_handler(handler)
    except Exception as e:
        if isinstance(e, FaultException):
            error_result = make_error(e.msg, e.exception_type, e.trace)
        else:
            etype, value, tb = sys.exc_info()
            error_result = make_error(str(value), etype.__name__, traceback.format_list(_user_frames(tb)))
        logging.warning(UNHANDLED_EXCEPTION_WARNING)
        log_error(error_result)
        client.post_init_error(error_result)
        sys.exit(1)

    while True:
        headers, body = client.wait_next_invocation()
        _request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        _tenant_id = headers.get("Lambda-Runtime-Aws-Tenant-Id")
        trace_id = headers.get("Lambda-Runtime-Trace-Id")
        # Set per invocation, removed when an invocation has none (awslambdaric).
        if trace_id is not None:
            os.environ["_X_AMZN_TRACE_ID"] = trace_id
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        handle_event_request(client, request_handler, headers, body)


if __name__ == "__main__":
    main()
