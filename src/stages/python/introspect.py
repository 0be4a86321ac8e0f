# lbg's introspection helper for Python ceci stages. lbg runs it as `<python> -c <this program> MODULE...`
# (python_paths on PYTHONPATH); esbuild bundles this file into lbg as a string (src/bin/lbg.mjs, loader
# "text"), so the bundled CLI needs no file beside it. It imports each module, takes the stages it added to
# ceci's registry and prints one JSON document:
#   {"modules": [{"module", "ok": true, "files": [absolute paths], "stages": [...], "sources": [file indices]}
#                | {"module", "ok": false, "error": "<Python's message>", "where": {file, line} | null}]}   or   {"error": "cannot import ceci: ..."}
# A stage: {name, class, module, top, namespace, inputs: {tag: suffix}, outputs: {tag: suffix},
#           options: {key: {type, default?, required, doc}}, parallel, doc, file (the class's own), sources: [file indices],
#           packages: {top-level package: version of the distribution that installed it}} (no default:
#           none). The packages are the module's and the class's (they differ when a module re-exports
#           another package's stage). The module's `sources` also hold those distributions' METADATA files.
# `sources`: the class's module file and the files of every module of its package (or the entry's), or of any
# other local package (local_top: files outside the standard library and site-packages), that the class's
# module or the entry imports, directly or not (its local imports). Paths are indices into the module's
# `files`: TXPipe's 200 stages each import ~150 of its files, which as paths made a 3 MB answer.
# Defaults and other values are tagged JSON (src/config/py-value.ts). Standard library only, besides ceci.
# Before each import it writes `lbg-importing: <module>` to stderr (ceci first), for lbg to name the import
# that was under way when it had to stop the helper.
# Everything but the imports themselves is memoized per module or package, so the helper costs little more
# than importing the modules (what ceci does too).
import builtins, importlib, importlib.util, inspect, json, math, os, re, sys, traceback

# Who imports whom, from every import statement executed (also those answered from sys.modules, which a
# before/after diff of sys.modules misses when an earlier module already loaded the shared one).
IMPORTS = {}
_real_import = builtins.__import__


def _recording_import(name, globals=None, locals=None, fromlist=(), level=0):
    mod = _real_import(name, globals, locals, fromlist, level)
    try:
        importer = globals.get("__name__") if isinstance(globals, dict) else None
        if importer:
            full = name
            if level:
                package = globals.get("__package__") or (importer if "__path__" in globals else importer.rpartition(".")[0])
                full = importlib.util.resolve_name("." * level + name, package).rstrip(".")
            targets = IMPORTS.setdefault(importer, set())
            targets.add(full)
            for f in fromlist or ():
                if isinstance(f, str) and full + "." + f in sys.modules:
                    targets.add(full + "." + f)
    except Exception:
        pass  # bookkeeping must never change what an import does
    return mod


builtins.__import__ = _recording_import


def _installed_dirs():
    """Where the interpreter's own and installed modules live: the standard library and site-packages."""
    import site, sysconfig
    dirs = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        p = sysconfig.get_paths().get(key)
        if p:
            dirs.add(os.path.realpath(p))
    try:
        dirs.update(os.path.realpath(p) for p in site.getsitepackages())
    except Exception:
        pass
    try:
        dirs.add(os.path.realpath(site.getusersitepackages()))
    except Exception:
        pass
    return tuple(d.rstrip(os.sep) + os.sep for d in dirs)


_INSTALLED = None
_LOCAL_TOPS = {}


def local_top(top):
    """Whether a top-level package is the project's own code rather than the interpreter's or an installed
    one: its files are outside the standard library and any site-packages or dist-packages folder (a folder
    on python_paths, a local ceci checkout, an editable install). Its files count as a stage's code like
    the stage's own package's: an edit there changes what the stage computes, and no installed version would
    say so."""
    global _INSTALLED
    if top not in _LOCAL_TOPS:
        mod = sys.modules.get(top)
        f = file_of(mod) if mod else None
        if not f:
            _LOCAL_TOPS[top] = False  # built in, or a namespace package without files of its own
        else:
            if _INSTALLED is None:
                _INSTALLED = _installed_dirs()
            real = os.path.realpath(f)
            # Any site-packages counts as installed, also one outside this interpreter's (an LSST or DESC
            # software stack put on PYTHONPATH): its thousands of files are versioned by their installs.
            parts = real.split(os.sep)
            _LOCAL_TOPS[top] = not (real.startswith(_INSTALLED) or "site-packages" in parts or "dist-packages" in parts)
    return _LOCAL_TOPS[top]


def within(m, tops):
    """Whether module 'm' is one of a stage's local imports: in one of the packages 'tops', or local code."""
    top = m.partition(".")[0]
    return top in tops or local_top(top)


def closure(name, tops=None):
    """The module, what it imports (transitively), and the packages of each (their __init__ ran too); with
    'tops', only through modules of those top-level packages and of local code (local_top): a stage's local
    imports."""
    seen, todo = set(), [name]
    while todo:
        m = todo.pop()
        if m in seen or m not in sys.modules or (tops is not None and not within(m, tops)):
            continue
        seen.add(m)
        todo.extend(IMPORTS.get(m, ()))
        if "." in m:
            todo.append(m.rpartition(".")[0])
    return seen


def local_files(modules, tops):
    """Files of the modules that belong to one of the top-level packages 'tops' or to local code (the local
    imports)."""
    out = set()
    for m in modules:
        if within(m, tops):
            f = file_of(sys.modules[m])
            if f:
                out.add(f)
    return frozenset(out)


_MODULE_FILES = {}


def module_files(mod, tops):
    """local_files(closure(mod, tops), tops), once per module and packages."""
    key = (mod, tops)
    if key not in _MODULE_FILES:
        _MODULE_FILES[key] = local_files(closure(mod, tops), tops)
    return _MODULE_FILES[key]


def memoized(f):
    cache = {}

    def g(arg):
        if arg not in cache:
            cache[arg] = f(arg)
        return cache[arg]
    return g

TYPE_NAMES = {int: "int", float: "float", str: "str", bool: "bool", list: "list", tuple: "list", dict: "dict"}
SAFE_INT = 2 ** 53


def opaque(v):
    """A value shown and fingerprinted by its repr, without the memory addresses (<function f at 0x7f...>)
    that would make every introspection differ."""
    try:
        r = re.sub(r" at 0x[0-9a-fA-F]+>", ">", repr(v))
    except Exception:
        r = "<%s object>" % type(v).__name__
    return {"!!python": r if len(r) <= 200 else r[:197] + "..."}


def jsonable(v):
    """A value as lbg reads it (src/config/py-value.ts): JSON, with tags for what JSON or JS numbers cannot
    hold: {"!!float": repr} for nan, inf and integral floats (2.0), {"!!python": repr} for any other value
    (a type, a tuple, a numpy value, a dict with keys that are not strings); exact builtin types only, so that
    what lbg writes back into a config file is what the stage would have had."""
    t = type(v)
    if v is None or t is bool or t is str:
        return v
    if t is int:
        return v if -SAFE_INT <= v <= SAFE_INT else opaque(v)
    if t is float:
        return v if math.isfinite(v) and not v.is_integer() else {"!!float": repr(v)}
    if t is list:
        items = [jsonable(x) for x in v]
        return opaque(v) if any(isinstance(x, dict) and "!!python" in x and len(x) == 1 for x in items) else items
    if t is dict and all(type(k) is str for k in v):
        out = {k: jsonable(x) for k, x in v.items()}
        if any(isinstance(x, dict) and "!!python" in x and len(x) == 1 for x in out.values()):
            return opaque(v)
        return {"!!map": out} if len(out) == 1 and next(iter(out)).startswith("!!") else out
    return opaque(v)


def cast(dtype, value):
    """ceci's cast_value (ceci/config.py), which a stage applies to its defaults too; the raw default when
    the conversion fails (the stage will then fail on it, and lbg reports that option when it is used)."""
    if dtype is None or value is None or isinstance(value, dtype):
        return value
    try:
        return dtype(value)
    except Exception:
        return value


def ceci_config_classes():
    """ceci's StageConfig and StageParameter (ceci.config), or None where ceci lacks them."""
    try:
        from ceci import config
        return getattr(config, "StageConfig", None), getattr(config, "StageParameter", None)
    except Exception:
        return None, None


def option_spec(key, value, StageConfig, StageParameter):
    # ceci's config_options forms: a type (required), a value (its default), [type] (a list), None, StageParameter,
    # or a StageConfig (RAIL's shared parameters), which stands for its parameter of the same name.
    # A required option's None "default" is no default: ceci raises "Missing configuration option" when no
    # value (or None) is given, so none is reported and lbg treats the option as missing.
    if StageConfig is not None and isinstance(value, StageConfig):
        value = dict.get(value, key)
    if StageParameter is not None and isinstance(value, StageParameter) or (
            not isinstance(value, (type, dict)) and hasattr(value, "dtype") and hasattr(value, "default")):
        dtype = getattr(value, "dtype", None)
        default = getattr(value, "default", None)
        required = getattr(value, "required", None)
        if required is None:
            required = default is None
        spec = {"type": TYPE_NAMES.get(dtype, "any"), "required": bool(required), "doc": str(getattr(value, "msg", "") or "")}
        if default is not None or not required:
            spec["default"] = jsonable(cast(dtype if isinstance(dtype, type) else None, default))
        return spec
    if isinstance(value, type):
        return {"type": TYPE_NAMES.get(value, "any"), "required": True, "doc": ""}
    if value is None:
        return {"type": "any", "required": True, "doc": ""}
    return {"type": TYPE_NAMES.get(type(value), "any"), "default": jsonable(value), "required": False, "doc": ""}


def tags(pairs):
    out = {}
    for pair in pairs or []:
        suffix = getattr(pair[1], "suffix", None)
        out[str(pair[0])] = "" if suffix is None else str(suffix)
    return out


def file_of(mod):
    f = getattr(mod, "__file__", None)
    return os.path.abspath(f) if f else None


def error_location(e):
    """Where an import failed: a SyntaxError's own file and line, else the innermost frame that is neither
    importlib's machinery nor this helper; None when there is none (the module itself was not found)."""
    if isinstance(e, SyntaxError) and e.filename and e.lineno and not e.filename.startswith("<"):
        return {"file": os.path.abspath(e.filename), "line": e.lineno}
    machinery = os.path.dirname(importlib.__file__) + os.sep
    for frame in reversed(traceback.extract_tb(e.__traceback__)):
        if frame.filename.startswith("<") or frame.filename.startswith(machinery):
            continue
        return {"file": os.path.abspath(frame.filename), "line": frame.lineno}
    return None


def registry(PipelineStage):
    # ceci's global registry, filled as stage classes are defined (__init_subclass__): only complete stages
    # (inputs, outputs and a run that is not abstract) are in it. Values: (class, file), or a class.
    reg = getattr(PipelineStage, "pipeline_stages", None) or {}
    return {k: (v[0] if isinstance(v, tuple) else v) for k, v in reg.items()}


_DISTRIBUTIONS = []


def distributions(top):
    """The installed distributions that provide top-level package 'top' (ceci_example comes with ceci):
    importlib.metadata.packages_distributions(), read once, else the package's own name."""
    from importlib import metadata
    if not _DISTRIBUTIONS:
        try:
            _DISTRIBUTIONS.append(metadata.packages_distributions())
        except Exception:
            _DISTRIBUTIONS.append({})
    return list(_DISTRIBUTIONS[0].get(top, [])) + [top]


@memoized
def package_version(top):
    from importlib import metadata
    for dist in distributions(top):
        try:
            return metadata.version(dist)
        except Exception:
            pass
    mod = sys.modules.get(top)
    return str(getattr(mod, "__version__", "")) if mod else ""


@memoized
def metadata_files(top):
    """The METADATA file of the distribution providing 'top': pip rewrites it on every install, so the
    cache keyed on it sees a new version even when no source file changed."""
    from importlib import metadata
    for dist in distributions(top):
        try:
            path = getattr(metadata.distribution(dist), "_path", None)
        except Exception:
            continue
        if path and os.path.isfile(os.path.join(str(path), "METADATA")):
                return (os.path.abspath(os.path.join(str(path), "METADATA")),)
    return ()


_DESCRIBED = {}


def describe_stage(cls, sources, index):
    """The class as lbg sees it; all but its sources is worked out once, for every module that provides it."""
    if cls not in _DESCRIBED:
        _DESCRIBED[cls] = describe_class(cls)
    stage = dict(_DESCRIBED[cls])
    src = stage["file"]
    stage["sources"] = [index(f) for f in sorted(sources | {src} if src else sources)]
    return stage


def describe_class(cls):
    mod = cls.__module__
    try:
        src = inspect.getsourcefile(cls)
    except TypeError:
        src = None
    options = {}
    classes = ceci_config_classes()
    for key, value in (getattr(cls, "config_options", None) or {}).items():
        try:
            options[str(key)] = option_spec(key, value, *classes)
        except Exception as e:
            # A declaration lbg cannot read: the stage still loads, the option is taken as any value.
            options[str(key)] = {"type": "any", "required": False,
                                 "doc": "(lbg could not read this declaration: %s: %s)" % (type(e).__name__, e)}
    return {
        "name": cls.name, "class": cls.__name__, "module": mod, "top": mod.split(".")[0],
        "namespace": getattr(sys.modules.get(mod.split(".")[0]), "__file__", None) is None,
        "inputs": tags(getattr(cls, "inputs", [])), "outputs": tags(getattr(cls, "outputs", [])),
        "options": options, "parallel": bool(getattr(cls, "parallel", True)),
        # The class's own docstring: inspect.getdoc would fall back to PipelineStage's for a class without one.
        "doc": inspect.cleandoc(cls.__dict__.get("__doc__") or ""), "file": os.path.abspath(src) if src else None,
    }


def class_location(cls):
    try:
        return {"file": os.path.abspath(inspect.getsourcefile(cls)), "line": inspect.getsourcelines(cls)[1]}
    except Exception:
        return None


def importing(name):
    """Says on stderr which import is under way, so that lbg can name it when the import takes longer than
    LBG_LOAD_TIMEOUT and the interpreter is killed (python-module-loader.ts, IMPORTING)."""
    print("lbg-importing: " + name, file=sys.stderr, flush=True)


def main(modules):
    importing("ceci")
    try:
        from ceci import PipelineStage
    except BaseException as e:
        print(json.dumps({"error": "cannot import ceci: %s: %s" % (type(e).__name__, e)}))
        return 0
    results = []
    for name in modules:
        before = set(sys.modules)
        known = {k: id(c) for k, c in registry(PipelineStage).items()}
        importing(name)
        try:
            importlib.import_module(name)
        except BaseException as e:
            results.append({"module": name, "ok": False, "error": traceback.format_exception_only(type(e), e)[-1].strip(),
                            "where": error_location(e)})
            continue
        top = name.split(".")[0]
        # Modules imported by other means (importlib.import_module) are only seen as new in sys.modules.
        reached = closure(name) | {m for m in set(sys.modules) - before if m.split(".")[0] == top}
        files, numbers = [], {}

        def index(f):
            if f not in numbers:
                numbers[f] = len(files)
                files.append(f)
            return numbers[f]
        reached_files = {}
        sources = set(local_files(reached, frozenset([top]))) | set(metadata_files(top))
        # The module's stages are the registry's entries its import added (wherever the classes are defined,
        # e.g. 'from extpkg import ExtCopy'), plus those defined in what it imports when an earlier entry
        # imported that first.
        stages = []
        failed = None
        for key, cls in sorted(registry(PipelineStage).items()):
            mod = cls.__module__
            if known.get(key) == id(cls) and mod not in reached:
                continue
            ctop = mod.split(".")[0]
            tops = frozenset([top, ctop])
            try:
                if tops not in reached_files:
                    reached_files[tops] = local_files(reached, tops)
                stage = describe_stage(cls, reached_files[tops] | module_files(mod, tops), index)
                stage["packages"] = {t: package_version(t) for t in sorted(tops)}
            except Exception as e:
                # One class lbg cannot describe: the module's error names that class, at its definition.
                failed = {"module": name, "ok": False, "where": class_location(cls),
                          "error": "class %s.%s: %s" % (mod, cls.__name__, traceback.format_exception_only(type(e), e)[-1].strip())}
                break
            sources |= set(metadata_files(ctop))
            stages.append(stage)
        results.append(failed or {"module": name, "ok": True, "stages": stages,
                                  "sources": [index(f) for f in sorted(sources)], "files": files})
    print(json.dumps({"modules": results}, allow_nan=False))
    return 0


sys.exit(main(sys.argv[1:]))
