#!/usr/bin/env python3
"""EdgeTune's PyTorch timing backend.

EdgeTune starts this script with the user's python3, one process per timed model, and drives it over
stdio. The engine decides what to time (token counts, order, passes, when to stop); this process only
runs "time this model at this shape, k times" and hands back each iteration's milliseconds.

Protocol, version 1: JSON lines. Each request is one line on stdin, each reply one line on stdout, in
order. Anything the model prints goes to stderr (stdout is redirected there at start-up), which
EdgeTune keeps for error messages.

  request  {"id": 7, "op": "<op>", ...arguments}
  success  {"id": 7, "ok": true, ...result}
  failure  {"id": 7, "ok": false, "error": {"kind": "<kind>", "message": "...", "fix": "..."}}

ops
  hello      -> protocol, python, executable, torch (version, or null with torchError), threads,
                blas (torch's BLAS_INFO), sdpa, cuda {built, available, version, cudnn, devices [{index, name, capability,
                memoryBytes, smCount}], reason}, mps {built, available}
  load       model, device ("cpu" | "cuda" | "mps"), dtype ("fp32" | "fp16" | "bf16"), cudaGraphs,
             batch, seed, threads (null: torch's default)
             model is one of
               {"kind": "vit", "part": "block" | "encoder", "width", "heads", "mlpRatio", "blocks",
                "layerScale", "classes", "layerNormEpsilon", "weightsFile",
                "tensors": [{"name", "shape", "offset", "transpose"}]}
                 weightsFile holds float32 little-endian values; a tensor starts at `offset` values;
                 "transpose" marks [in, out] matrices that nn.Linear keeps as [out, in]
               {"kind": "module", "spec": "package.module:factory" | "path/file.py:factory", "width"}
               {"kind": "torchscript", "path", "width"}
                 width may be null: then the module's embed_dim or width attribute is used
          -> width, parameters, attention, deviceName, dtype
  prepare    tokens -> captured (with cudaGraphs: the graph for this shape, warmed up and captured)
  time       tokens, iterations -> timesMs [one float per iteration]
  forward    tokens, inputFile, outputFile: runs the model once on float32 input
             [batch, tokens, width] and writes its full output as float32 -> shape
  close      -> {} and the process exits

error kinds: no-torch, device-unavailable, bad-request, load-failed, run-failed
"""

import array
import collections
import importlib
import importlib.util
import json
import os
import platform
import sys
import time
import traceback

PROTOCOL_VERSION = 1
# Captured graphs hold their own memory pools; the sweep alternates a count with its reference,
# so a few shapes cover a pass without re-capturing.
MAX_CAPTURED_GRAPHS = 4
CAPTURE_WARMUP_RUNS = 3

try:
    import torch

    TORCH_ERROR = None
except Exception as import_error:  # torch missing or broken: hello says so, the other ops refuse
    torch = None
    TORCH_ERROR = "%s: %s" % (type(import_error).__name__, import_error)


class BackendError(Exception):
    def __init__(self, kind, message, fix=None):
        Exception.__init__(self, message)
        self.kind = kind
        self.message = message
        self.fix = fix

    def to_json(self):
        error = {"kind": self.kind, "message": self.message}
        if self.fix:
            error["fix"] = self.fix
        return error


def first_line(error):
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def require_torch():
    if torch is None:
        raise BackendError(
            "no-torch",
            "this python (%s) cannot import torch: %s" % (sys.executable, TORCH_ERROR),
            "install PyTorch for it (pip install torch, or apt install python3-torch), or name another python",
        )


def cuda_facts():
    built = torch.version.cuda is not None
    facts = {"built": built, "available": False, "version": torch.version.cuda, "cudnn": None, "devices": [], "reason": None}
    try:
        facts["available"] = bool(torch.cuda.is_available())
        if facts["available"]:
            for index in range(torch.cuda.device_count()):
                props = torch.cuda.get_device_properties(index)
                facts["devices"].append(
                    {
                        "index": index,
                        "name": props.name,
                        "capability": "%d.%d" % (props.major, props.minor),
                        "memoryBytes": int(props.total_memory),
                        "smCount": int(props.multi_processor_count),
                    }
                )
            if torch.backends.cudnn.is_available():
                facts["cudnn"] = str(torch.backends.cudnn.version())
    except Exception as error:
        facts["available"] = False
        facts["reason"] = first_line(error)
    if not facts["available"] and facts["reason"] is None:
        facts["reason"] = (
            "this torch was built without CUDA"
            if not built
            else "torch sees no CUDA device (no NVIDIA driver, or CUDA_VISIBLE_DEVICES hides it)"
        )
    return facts


def mps_facts():
    mps = getattr(torch.backends, "mps", None)
    if mps is None:
        return {"built": False, "available": False}
    return {"built": bool(mps.is_built()), "available": bool(mps.is_available())}


def cpu_name():
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas_info():
    # A torch linked to the reference BLAS runs CPU matmuls tens of times slower than one with
    # OpenBLAS or MKL: the profile should say which one timed it.
    try:
        for part in torch.__config__.show().replace(",", "\n").splitlines():
            if "BLAS_INFO=" in part:
                return part.split("=", 1)[1].strip()
    except Exception:
        pass
    return None


def hello():
    facts = {
        "protocol": PROTOCOL_VERSION,
        "python": platform.python_version(),
        "executable": sys.executable,
        "platform": platform.platform(),
        "torch": None,
        "torchError": TORCH_ERROR,
    }
    if torch is None:
        return facts
    facts["torch"] = torch.__version__
    facts["threads"] = torch.get_num_threads()
    facts["blas"] = blas_info()
    facts["sdpa"] = hasattr(torch.nn.functional, "scaled_dot_product_attention")
    facts["cuda"] = cuda_facts()
    facts["mps"] = mps_facts()
    return facts


def build_vit(spec):
    """The pre-norm ViT block and encoder of EdgeTune's ONNX builders, with timm's parameter names."""
    nn = torch.nn
    functional = torch.nn.functional
    use_sdpa = hasattr(functional, "scaled_dot_product_attention")

    class LayerScale(nn.Module):
        def __init__(self, width):
            nn.Module.__init__(self)
            self.gamma = nn.Parameter(torch.ones(width))

        def forward(self, x):
            return x * self.gamma

    class Attention(nn.Module):
        def __init__(self, width, heads):
            nn.Module.__init__(self)
            self.heads = heads
            self.scale = (width // heads) ** -0.5
            self.qkv = nn.Linear(width, 3 * width)
            self.proj = nn.Linear(width, width)

        def forward(self, x):
            batch, tokens, width = x.shape
            qkv = self.qkv(x).reshape(batch, tokens, 3, self.heads, width // self.heads).permute(2, 0, 3, 1, 4)
            q, k, v = qkv.unbind(0)
            if use_sdpa:
                context = functional.scaled_dot_product_attention(q, k, v)
            else:
                attention = (q @ k.transpose(-2, -1)) * self.scale
                context = attention.softmax(dim=-1) @ v
            return self.proj(context.transpose(1, 2).reshape(batch, tokens, width))

    class Mlp(nn.Module):
        def __init__(self, width, hidden):
            nn.Module.__init__(self)
            self.fc1 = nn.Linear(width, hidden)
            self.act = nn.GELU()
            self.fc2 = nn.Linear(hidden, width)

        def forward(self, x):
            return self.fc2(self.act(self.fc1(x)))

    class Block(nn.Module):
        def __init__(self):
            nn.Module.__init__(self)
            width, eps = spec["width"], spec["layerNormEpsilon"]
            self.norm1 = nn.LayerNorm(width, eps=eps)
            self.attn = Attention(width, spec["heads"])
            self.ls1 = LayerScale(width) if spec["layerScale"] else nn.Identity()
            self.norm2 = nn.LayerNorm(width, eps=eps)
            self.mlp = Mlp(width, spec["mlpRatio"] * width)
            self.ls2 = LayerScale(width) if spec["layerScale"] else nn.Identity()

        def forward(self, x):
            x = x + self.ls1(self.attn(self.norm1(x)))
            return x + self.ls2(self.mlp(self.norm2(x)))

    class Vit(nn.Module):
        def __init__(self):
            nn.Module.__init__(self)
            self.blocks = nn.Sequential(*[Block() for _ in range(spec["blocks"])])
            self.has_head = spec["part"] == "encoder"
            if self.has_head:
                self.norm = nn.LayerNorm(spec["width"], eps=spec["layerNormEpsilon"])
                self.head = nn.Linear(spec["width"], spec["classes"])

        def forward(self, tokens):
            x = self.blocks(tokens)
            if not self.has_head:
                return x
            return self.head(self.norm(x)[:, 0])

    model = Vit()
    model.load_state_dict(read_weights(spec), strict=True)
    return model, ("sdpa" if use_sdpa else "matmul-softmax")


def read_float32_file(path):
    # readinto one buffer: ViT-L's 1.2 GB of weights are not held twice
    data = bytearray(os.path.getsize(path))
    with open(path, "rb") as handle:
        handle.readinto(data)
    return torch.frombuffer(data, dtype=torch.float32)


def read_weights(spec):
    values = read_float32_file(spec["weightsFile"])
    state = {}
    for tensor in spec["tensors"]:
        count = 1
        for dim in tensor["shape"]:
            count *= dim
        value = values[tensor["offset"] : tensor["offset"] + count].view(*tensor["shape"])
        state[tensor["name"]] = value.t() if tensor.get("transpose") else value
    return state


def load_module(spec):
    target, _, factory_name = spec.rpartition(":")
    if not target or not factory_name:
        raise BackendError("bad-request", "'%s' is not a module:factory spec" % spec, "write it as package.module:factory or path/to/file.py:factory")
    try:
        if target.endswith(".py") or os.sep in target:
            module_spec = importlib.util.spec_from_file_location("edgetune_user_model", target)
            if module_spec is None:
                raise ImportError("cannot load %s" % target)
            module = importlib.util.module_from_spec(module_spec)
            module_spec.loader.exec_module(module)
        else:
            sys.path.insert(0, os.getcwd())
            module = importlib.import_module(target)
        factory = getattr(module, factory_name)
    except Exception as error:
        raise BackendError("load-failed", "could not import %s: %s" % (spec, first_line(error)), "check the module path and that it imports in this python")
    try:
        model = factory()
    except Exception as error:
        raise BackendError("load-failed", "%s raised %s: %s" % (spec, type(error).__name__, first_line(error)), "check that the factory builds the model in this python")
    if not isinstance(model, torch.nn.Module):
        raise BackendError("load-failed", "%s returned %s, not a torch.nn.Module" % (spec, type(model).__name__), "make the factory return the model")
    return model


def model_width(model, given):
    if given:
        return int(given)
    for name in ("embed_dim", "width", "num_features"):
        value = getattr(model, name, None)
        if isinstance(value, int) and value > 0:
            return value
    raise BackendError(
        "bad-request",
        "cannot tell the model's token width: it has no embed_dim or width attribute",
        "pass --width N (the last dimension of its [batch, tokens, width] input)",
    )


DTYPES = {"fp32": "float32", "fp16": "float16", "bf16": "bfloat16"}


class Backend:
    def __init__(self):
        self.model = None
        self.inputs = collections.OrderedDict()
        self.graphs = collections.OrderedDict()

    def handle(self, request):
        op = request.get("op")
        if op == "hello":
            return hello()
        if op == "close":
            return {}
        require_torch()
        if op == "load":
            return self.load(request)
        if self.model is None:
            raise BackendError("bad-request", "'%s' before 'load'" % op)
        if op == "prepare":
            return self.prepare(int(request["tokens"]))
        if op == "time":
            return {"timesMs": self.time(int(request["tokens"]), int(request["iterations"]))}
        if op == "forward":
            return self.forward_files(request)
        raise BackendError("bad-request", "unknown op %r" % op)

    def load(self, request):
        self.device_name = request["device"]
        self.dtype_name = request["dtype"]
        self.batch = int(request["batch"])
        self.seed = int(request["seed"])
        self.cuda_graphs = bool(request.get("cudaGraphs"))
        self.check_device()
        if request.get("threads"):
            torch.set_num_threads(int(request["threads"]))
        if self.device_name == "cuda" and self.dtype_name == "fp32":
            # fp32 means fp32: TF32 matmuls would be a different (faster) precision.
            torch.backends.cuda.matmul.allow_tf32 = False
            torch.backends.cudnn.allow_tf32 = False
        self.device = torch.device(self.device_name)
        self.dtype = getattr(torch, DTYPES[self.dtype_name])

        source = request["model"]
        attention = None
        self.reduce_to_mean = False
        try:
            if source["kind"] == "vit":
                model, attention = build_vit(source)
                width = source["width"]
                # The ONNX block hands back the mean of its output so that a GPU run does not time a
                # [batch, tokens, width] copy the real network never makes; do the same here.
                self.reduce_to_mean = source["part"] == "block"
            elif source["kind"] == "module":
                model = load_module(source["spec"])
                width = model_width(model, source.get("width"))
            elif source["kind"] == "torchscript":
                model = torch.jit.load(source["path"], map_location="cpu")
                width = model_width(model, source.get("width"))
            else:
                raise BackendError("bad-request", "unknown model kind %r" % source.get("kind"))
            model = model.eval().to(device=self.device, dtype=self.dtype)
        except BackendError:
            raise
        except Exception as error:
            raise BackendError("load-failed", "could not build the model: %s" % first_line(error), "check the model source")
        self.model = model
        self.width = width
        if source["kind"] == "vit":
            # Surface a precision the device cannot run now rather than at the sweep's first count;
            # a user's model may refuse 2 tokens for its own reasons, so it is not probed like this.
            try:
                self.run_once(self.make_input(2))
                self.synchronize()
            except Exception as error:
                raise BackendError(
                    "run-failed",
                    first_line(error),
                    "try --dtype fp32 (older torch builds lack some fp16/bf16 CPU kernels) or another --device",
                )
        return {
            "width": width,
            "parameters": sum(int(p.numel()) for p in model.parameters()),
            "attention": attention,
            "deviceName": self.describe_device(),
            "dtype": self.dtype_name,
        }

    def check_device(self):
        if self.device_name == "cuda":
            facts = cuda_facts()
            if not facts["available"]:
                raise BackendError("device-unavailable", "torch %s cannot use CUDA: %s" % (torch.__version__, facts["reason"]))
            if self.dtype_name == "bf16" and not torch.cuda.is_bf16_supported():
                raise BackendError("device-unavailable", "this GPU has no bf16 support in torch %s" % torch.__version__, "use --dtype fp16 or fp32")
        elif self.device_name == "mps":
            if not mps_facts()["available"]:
                raise BackendError("device-unavailable", "torch %s cannot use MPS (Apple GPUs on macOS 12.3+ only)" % torch.__version__)
        elif self.device_name != "cpu":
            raise BackendError("bad-request", "unknown device %r" % self.device_name)
        if self.cuda_graphs and self.device_name != "cuda":
            raise BackendError("bad-request", "CUDA graphs need the cuda device", "drop --cuda-graphs or use --device cuda")

    def describe_device(self):
        if self.device_name == "cuda":
            return torch.cuda.get_device_name(self.device)
        if self.device_name == "cpu":
            return cpu_name()
        return "Apple GPU (MPS)"

    def make_input(self, tokens):
        generator = torch.Generator().manual_seed(self.seed * 1000003 + tokens)
        data = torch.randn(self.batch, tokens, self.width, generator=generator)
        return data.to(device=self.device, dtype=self.dtype)

    def input(self, tokens):
        if tokens not in self.inputs:
            self.inputs[tokens] = self.make_input(tokens)
            while len(self.inputs) > 2:
                self.inputs.popitem(last=False)
        return self.inputs[tokens]

    def run_once(self, x):
        out = self.model(x)
        return out.mean() if self.reduce_to_mean else out

    def synchronize(self):
        if self.device_name == "cuda":
            torch.cuda.synchronize()
        elif self.device_name == "mps" and hasattr(torch, "mps") and hasattr(torch.mps, "synchronize"):
            torch.mps.synchronize()

    def graph(self, tokens):
        if tokens in self.graphs:
            self.graphs.move_to_end(tokens)
            return self.graphs[tokens]
        static_input = self.input(tokens).clone()
        # Warm-up on a side stream, as PyTorch's graph capture requires, so lazy initialisation
        # (cuBLAS handles, autotuning) happens outside the captured region.
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.no_grad(), torch.cuda.stream(side):
            for _ in range(CAPTURE_WARMUP_RUNS):
                self.run_once(static_input)
        torch.cuda.current_stream().wait_stream(side)
        captured = torch.cuda.CUDAGraph()
        with torch.no_grad(), torch.cuda.graph(captured):
            static_output = self.run_once(static_input)
        torch.cuda.synchronize()
        self.graphs[tokens] = (captured, static_input, static_output)
        while len(self.graphs) > MAX_CAPTURED_GRAPHS:
            self.graphs.popitem(last=False)
        return self.graphs[tokens]

    def prepare(self, tokens):
        self.input(tokens)
        if not self.cuda_graphs:
            return {"captured": False}
        started = time.perf_counter()
        fresh = tokens not in self.graphs
        self.graph(tokens)
        return {"captured": fresh, "captureMs": (time.perf_counter() - started) * 1000}

    def time(self, tokens, iterations):
        if self.cuda_graphs:
            step = self.graph(tokens)[0].replay
        else:
            x = self.input(tokens)

            def step():
                return self.run_once(x)

        times = []
        context = torch.no_grad() if self.cuda_graphs else torch.inference_mode()
        with context:
            if self.device_name == "cuda":
                # CUDA events bracket the work on the GPU's own clock; waiting for the end event
                # after every iteration keeps each one a latency, not a pipelined throughput.
                start = torch.cuda.Event(enable_timing=True)
                end = torch.cuda.Event(enable_timing=True)
                torch.cuda.synchronize()
                for _ in range(iterations):
                    start.record()
                    step()
                    end.record()
                    end.synchronize()
                    times.append(start.elapsed_time(end))
            else:
                clock = time.perf_counter
                for _ in range(iterations):
                    began = clock()
                    step()
                    self.synchronize()
                    times.append((clock() - began) * 1000)
        return times

    def forward_files(self, request):
        tokens = int(request["tokens"])
        values = read_float32_file(request["inputFile"])
        x = values.view(self.batch, tokens, self.width).to(device=self.device, dtype=self.dtype)
        with torch.inference_mode():
            out = self.model(x)
        out = out.detach().to(device="cpu", dtype=torch.float32).contiguous()
        with open(request["outputFile"], "wb") as handle:
            # array keeps this free of numpy, which some torch installs lack
            handle.write(array.array("f", out.flatten().tolist()).tobytes())
        return {"shape": list(out.shape)}


def serve():
    protocol_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    # Whatever the model or torch prints must never land in the protocol stream.
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    backend = Backend()
    while True:
        line = sys.stdin.readline()
        if not line:
            return
        line = line.strip()
        if not line:
            continue
        request_id = None
        try:
            request = json.loads(line)
            request_id = request.get("id")
            reply = {"id": request_id, "ok": True}
            reply.update(backend.handle(request))
        except BackendError as error:
            reply = {"id": request_id, "ok": False, "error": error.to_json()}
            request = {}
        except Exception as error:
            sys.stderr.write(traceback.format_exc())
            reply = {"id": request_id, "ok": False, "error": {"kind": "run-failed", "message": first_line(error)}}
            request = {}
        protocol_out.write(json.dumps(reply) + "\n")
        protocol_out.flush()
        if request.get("op") == "close":
            return


if __name__ == "__main__":
    serve()
