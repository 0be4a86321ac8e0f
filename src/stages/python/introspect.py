# lbg's introspection helper for Python ceci stages. lbg runs it as `<python> -c <this program> MODULE...`
# (python_paths on PYTHONPATH); esbuild bundles this file into lbg as a string (src/bin/lbg.mjs, loader
# "text"), so the bundled CLI needs no file beside it. It imports each module, takes the stages it added to
# ceci's registry and prints one JSON document:
#   {"modules": [{"module", "ok": true, "stages": [...], "sources": [...]}
#                | {"module", "ok": false, "error": "<Python's message>", "where": {file, line} | null}]}   or   {"error": "cannot import ceci: ..."}
# A stage: {name, class, module, top, namespace, inputs: {tag: suffix}, outputs: {tag: suffix},
#           options: {key: {type, default?, required, doc}}, parallel, doc, file (the class's own), sources: [files],
#           packages: {top-level package: version of the distribution that installed it}} (no default:
#           none). The packages are the module's and the class's (they differ when a module re-exports
#           another package's stage). The module's `sources` also hold those distributions' METADATA files.
# `sources`: the class's module file and the files of every module of its package (or the entry's) that the
# class's module or the entry imports, directly or not (its local imports). Standard library only, besides ceci.

import builtins, importlib, importlib.util, inspect, json, os, sys, traceback

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


def closure(name):
    """The module, what it imports (transitively), and the packages of each (their __init__ ran too)."""
    seen, todo = set(), [name]
    while todo:
        m = todo.pop()
        if m in seen or m not in sys.modules:
            continue
        seen.add(m)
        todo.extend(IMPORTS.get(m, ()))
        if "." in m:
            todo.append(m.rpartition(".")[0])
    return seen


def local_files(modules, tops):
    """Files of the modules that belong to one of the top-level packages 'tops' (the local imports)."""
    out = set()
    for m in modules:
        if m.split(".")[0] in tops:
            f = file_of(sys.modules[m])
            if f:
                out.add(f)
    return out

TYPE_NAMES = {int: "int", float: "float", str: "str", bool: "bool", list: "list", dict: "dict"}


def jsonable(v):
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, type):
        return TYPE_NAMES.get(v, v.__name__)
    return repr(v)


def option_spec(value):
    # ceci's config_options forms: a type (required), a value (its default), [type] (a list), None, StageParameter.
    # A required option's None "default" is no default: ceci raises "Missing configuration option" when no
    # value (or None) is given, so none is reported and lbg treats the option as missing.
    if hasattr(value, "dtype") and hasattr(value, "default") and not isinstance(value, type):
        dtype = getattr(value, "dtype", None)
        default = getattr(value, "default", None)
        required = getattr(value, "required", None)
        if required is None:
            required = default is None
        spec = {"type": TYPE_NAMES.get(dtype, "any"), "required": bool(required), "doc": str(getattr(value, "msg", "") or "")}
        if default is not None or not required:
            spec["default"] = jsonable(default)
        return spec
    if isinstance(value, type):
        return {"type": TYPE_NAMES.get(value, "any"), "required": True, "doc": ""}
    if value is None:
        return {"type": "any", "required": True, "doc": ""}
    if isinstance(value, list):
        return {"type": "list", "default": jsonable(value), "required": False, "doc": ""}
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


def package_version(top):
    from importlib import metadata
    for dist in distributions(top):
        try:
            return metadata.version(dist)
        except Exception:
            pass
    mod = sys.modules.get(top)
    return str(getattr(mod, "__version__", "")) if mod else ""


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
            return [os.path.abspath(os.path.join(str(path), "METADATA"))]
    return []


def describe_stage(cls, sources):
    mod = cls.__module__
    try:
        src = inspect.getsourcefile(cls)
    except TypeError:
        src = None
    options = {}
    for key, value in (getattr(cls, "config_options", None) or {}).items():
        options[str(key)] = option_spec(value)
    return {
        "name": cls.name, "class": cls.__name__, "module": mod, "top": mod.split(".")[0],
        "namespace": getattr(sys.modules.get(mod.split(".")[0]), "__file__", None) is None,
        "inputs": tags(getattr(cls, "inputs", [])), "outputs": tags(getattr(cls, "outputs", [])),
        "options": options, "parallel": bool(getattr(cls, "parallel", True)),
        # The class's own docstring: inspect.getdoc would fall back to PipelineStage's for a class without one.
        "doc": inspect.cleandoc(cls.__dict__.get("__doc__") or ""), "file": os.path.abspath(src) if src else None,
        "sources": sorted(set(([os.path.abspath(src)] if src else []) + sources)),
    }


def main(modules):
    try:
        from ceci import PipelineStage
    except BaseException as e:
        print(json.dumps({"error": "cannot import ceci: %s: %s" % (type(e).__name__, e)}))
        return 0
    results = []
    for name in modules:
        before = set(sys.modules)
        known = {k: id(c) for k, c in registry(PipelineStage).items()}
        try:
            importlib.import_module(name)
        except BaseException as e:
            results.append({"module": name, "ok": False, "error": traceback.format_exception_only(type(e), e)[-1].strip(),
                            "where": error_location(e)})
            continue
        top = name.split(".")[0]
        # Modules imported by other means (importlib.import_module) are only seen as new in sys.modules.
        reached = closure(name) | {m for m in set(sys.modules) - before if m.split(".")[0] == top}
        sources = sorted(local_files(reached, {top}) | set(metadata_files(top)))
        # The module's stages are the registry's entries its import added (wherever the classes are defined,
        # e.g. 'from extpkg import ExtCopy'), plus those defined in what it imports when an earlier entry
        # imported that first.
        stages = []
        for key, cls in sorted(registry(PipelineStage).items()):
            mod = cls.__module__
            if known.get(key) == id(cls) and mod not in reached:
                continue
            ctop = mod.split(".")[0]
            stage = describe_stage(cls, sorted(local_files(reached | closure(mod), {top, ctop})))
            stage["packages"] = {t: package_version(t) for t in sorted({top, ctop})}
            sources = sorted(set(sources) | set(metadata_files(ctop)))
            stages.append(stage)
        results.append({"module": name, "ok": True, "stages": stages, "sources": sources})
    print(json.dumps({"modules": results}))
    return 0


sys.exit(main(sys.argv[1:]))
