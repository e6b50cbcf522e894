"""Which file an import specifier names, as TypeScript and Node find it in a monorepo.

In the order TypeScript tries them (``moduleResolution`` ``bundler``/``node16``, which every
Drizzle project uses):

1. a relative or absolute path: the file, then with a source suffix, then ``index.*``; an ESM
   ``./x.js`` names the source ``./x.ts`` (TypeScript maps it so);
2. the ``compilerOptions.paths`` of the tsconfig.json nearest the importing file (the longest
   matching prefix wins), with ``extends`` followed (a relative file, or a file of a package such
   as ``@acme/tsconfig/base.json``, found in ``node_modules`` or the workspace); ``paths`` resolve
   from ``baseUrl``, else from the tsconfig that declares them; then ``baseUrl`` alone;
3. a package of the workspace by its ``name`` (pnpm's ``pnpm-workspace.yaml``, the ``workspaces``
   of package.json for npm, yarn and bun, as an array or ``{packages: [...]}``), the importing
   package itself (a self-reference), or a ``node_modules`` link to a folder outside
   ``node_modules``: its ``exports`` (subpaths, ``*`` patterns, the conditions ``types``,
   ``import``, ``module``, ``node``, ``require``, ``default``), else ``types``/``module``/``main``;
4. anything else is a package from the registry (``drizzle-orm``, ``zod``): not followed.

A specifier of kinds 1-3 that leads nowhere is a :class:`Resolution` without a path but with the
reason (what was tried), which the evaluator reports at the import's line: an import is never
silently empty.  Only files are read here (tsconfig.json, package.json, pnpm-workspace.yaml),
each once, within the size limit; a broken one is a warning naming it.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from drizzle_doc.limits import json_max, snippet, too_large
from drizzle_doc.model import INFO, WARNING, Diagnostic
from drizzle_doc.ts.witness import Witness

SOURCE_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
DECLARATION_SUFFIXES = (".d.ts", ".d.mts", ".d.cts")
#: ESM imports name the emitted file; TypeScript maps it back to its source
JS_TO_TS = {".js": ".ts", ".jsx": ".tsx", ".mjs": ".mts", ".cjs": ".cts"}
#: the ``exports`` conditions TypeScript's bundler resolution (and Node's) take
CONDITIONS = ("types", "import", "module", "node", "require", "default")
#: A tsconfig `paths` pattern or target longer than this is refused (no real one comes close).
MAX_ALIAS_CHARS = 1024
MAX_ALIASES = 1000
#: folders a workspace glob never enters; at most this many packages are read
SKIP_DIRS = {"node_modules", ".git", "dist", "build", ".next", ".turbo"}
MAX_WORKSPACE_PACKAGES = 5000
MAX_EXTENDS = 20


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where an import specifier leads: ``path``, or why not.

    ``local`` is False for a package from the registry (not followed, nothing to report) and
    True for every specifier that names project files (relative, a tsconfig alias, a workspace
    package): without a path, ``why`` says what was tried."""

    path: Optional[Path]
    local: bool = True
    why: str = ""


def resolve_file(path: Path, real_folders: dict) -> Path:
    """``path.resolve()`` for an existing file, with its folder's resolution cached in ``real_folders``:
    a file that is not a symlink resolves to its resolved folder plus its name."""
    if path.is_symlink():
        return path.resolve()
    folder = path.parent
    real = real_folders.get(folder)
    if real is None:
        real = real_folders[folder] = folder.resolve()
    return real / path.name


def candidates(target: Path) -> Iterable[Path]:
    """The files a path in an import may name, in the order they are tried (made one at a time:
    the first usually exists)."""
    ts_suffix = JS_TO_TS.get(target.suffix)
    if ts_suffix:
        yield target.with_suffix(ts_suffix)
    yield target
    text = str(target)
    for suffix in SOURCE_SUFFIXES:
        yield Path(text + suffix)
    for suffix in SOURCE_SUFFIXES:
        yield target / ("index" + suffix)


def package_name(spec: str) -> tuple[str, str]:
    """``@acme/db/defaults`` -> (``@acme/db``, ``./defaults``); ``zod`` -> (``zod``, ``.``)."""
    parts = spec.split("/")
    n = 2 if spec.startswith("@") and len(parts) > 1 else 1
    rest = "/".join(parts[n:])
    return "/".join(parts[:n]), ("./" + rest) if rest else "."


def strip_jsonc(text: str) -> str:
    """JSON with comments and trailing commas (tsconfig.json) as plain JSON."""
    text = re.sub(r'("(?:\\.|[^"\\])*")|//[^\n]*|/\*[\s\S]*?\*/', lambda m: m.group(1) or "", text)
    return re.sub(r'("(?:\\.|[^"\\])*")|,(\s*[}\]])', lambda m: m.group(1) or m.group(2), text)


def exports_targets(exports: Any, subpath: str) -> Optional[list[str]]:
    """The targets ``exports`` maps ``subpath`` (``.``, ``./x``) to, most preferred first, with a
    ``*`` pattern's match put in; None when no key matches (Node's PACKAGE_EXPORTS_RESOLVE)."""
    if not isinstance(exports, dict) or not any(isinstance(k, str) and k.startswith(".") for k in exports):
        exports = {".": exports}  # a string, an array or an object of conditions: the "." entry
    if subpath in exports:
        return _targets(exports[subpath], None)
    best: Optional[tuple[int, int, str, str]] = None  # (prefix length, key length, key, match)
    for key in exports:
        if not isinstance(key, str):
            continue
        star = key.find("*")
        if star < 0:
            if key.endswith("/") and subpath.startswith(key):  # a folder mapping (deprecated, still read)
                cand = (len(key), len(key), key, subpath[len(key):])
            else:
                continue
        else:
            prefix, suffix = key[:star], key[star + 1:]
            if not (subpath.startswith(prefix) and subpath.endswith(suffix)
                    and len(subpath) >= len(prefix) + len(suffix) and subpath != prefix):
                continue
            cand = (len(prefix), len(key), key, subpath[len(prefix): len(subpath) - len(suffix)])
        if best is None or cand[:2] > best[:2]:
            best = cand
    if best is None:
        return None
    _, _, key, match = best
    if "*" not in key:  # "./x/": the rest of the subpath is appended
        return [t + match for t in _targets(exports[key], None) if t.endswith("/")]
    return _targets(exports[key], match)


def _targets(value: Any, match: Optional[str], depth: int = 0) -> list[str]:
    if depth > 20:
        return []
    if isinstance(value, str):
        return [value.replace("*", match) if match is not None else value]
    if isinstance(value, list):
        return [t for v in value for t in _targets(v, match, depth + 1)]
    if isinstance(value, dict):
        return [t for k, v in value.items() if k in CONDITIONS for t in _targets(v, match, depth + 1)]
    return []  # null: excluded


@dataclass(frozen=True, slots=True)
class TsPaths:
    """What a tsconfig (with its ``extends``) says about resolution: its file, ``baseUrl`` and
    ``paths`` as (pattern, prefix, suffix, (absolute targets, ``*`` kept)), the best match first."""

    file: Path
    base_url: Optional[Path]
    paths: tuple[tuple[str, str, str, tuple[str, ...]], ...]


class Resolver:
    """Resolves import specifiers for the files of one project (see the module docstring).

    ``root`` is the project root (diagnostics name files relative to it through ``rel``);
    ``report`` receives the warnings about unreadable tsconfig.json and package.json files.
    Everything read is cached for the resolver's life.  With a ``witness``
    (:class:`~drizzle_doc.ts.witness.Witness`), every file read, every path probed and every
    folder listed is recorded there."""

    def __init__(self, root: Path, rel: Optional[Callable[[Path], str]] = None, json_limit: Optional[int] = None,
                 report: Optional[Callable[[Diagnostic], None]] = None):
        self.root = root
        self.rel = rel or (lambda p: Path(os.path.relpath(p, root)).as_posix())
        self.json_limit = json_limit or json_max()
        self.report = report
        self._json: dict[Path, Any] = {}
        self._tsconfig_at: dict[Path, Optional[TsPaths]] = {}
        self._tsconfig_file: dict[Path, Optional[TsPaths]] = {}
        self._workspace_at: dict[Path, Optional[Path]] = {}
        self._workspaces: dict[Path, dict[str, Path]] = {}
        self._package_at: dict[Path, Optional[Path]] = {}
        self._cache: dict[tuple[Path, str], Resolution] = {}
        self._real_folders: dict[Path, Path] = {}
        self._warned: set = set()
        self.witness: Optional[Witness] = None

    # -- the one entry point ---------------------------------------------------------
    def resolve(self, importer: Path, spec: str) -> Resolution:
        """Where ``spec``, imported by the file ``importer``, leads (cached per folder)."""
        key = (importer.parent, spec)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._resolve(importer.parent, spec)
        return found

    def _resolve(self, folder: Path, spec: str) -> Resolution:
        if spec.startswith((".", "/")):
            target = folder / spec if not spec.startswith("/") else Path(spec)
            path = self.file(target)
            return Resolution(path, True, "" if path else f"no file {self._shown(target)} (with a source suffix or /index)")
        if "\0" in spec or len(spec) > MAX_ALIAS_CHARS:
            return Resolution(None, False)
        tried: list[str] = []
        ts = self.tsconfig_for(folder)
        if ts is not None:
            for pattern, prefix, suffix, targets in ts.paths:
                if "*" in pattern:
                    if not (spec.startswith(prefix) and spec.endswith(suffix) and len(spec) >= len(prefix) + len(suffix)):
                        continue
                    middle = spec[len(prefix): len(spec) - len(suffix) if suffix else None]
                elif spec != pattern:
                    continue
                else:
                    middle = ""
                names = [Path(t.replace("*", middle, 1)) for t in targets]
                for t in names:
                    path = self.file(t)
                    if path is not None:
                        return Resolution(path)
                shown = ", ".join(self._shown(t) for t in names) or "no path"
                tried.append(f"the `paths` alias {pattern!r} of {self._shown(ts.file)} leads to {shown}, "
                             "where no file is")
                break  # TypeScript tries the best matching pattern only
            if ts.base_url is not None:
                path = self.file(ts.base_url / spec)
                if path is not None:
                    return Resolution(path)
        name, subpath = package_name(spec)
        package = self.local_package(folder, name)
        if package is not None:
            return self.package_entry(package, subpath, spec)
        if tried:
            return Resolution(None, True, "; ".join(tried))
        return Resolution(None, False)

    # -- files ---------------------------------------------------------------------------
    def file(self, target: Path) -> Optional[Path]:
        """The source file ``target`` names (see :func:`candidates`), symlinks resolved, or None."""
        witness = self.witness
        for c in candidates(target):
            if witness is not None:
                witness.probed(c)
            try:
                if c.is_file():
                    return resolve_file(c, self._real_folders)
            except (OSError, ValueError):  # a name too long, a symlink loop: not a module
                continue
        return None

    def _probe(self, path: Path) -> Path:
        """``path``, recorded as probed in the witness (if any)."""
        if self.witness is not None:
            self.witness.probed(path)
        return path

    def _shown(self, path: Path) -> str:
        try:
            return self.rel(Path(os.path.normpath(path)))
        except ValueError:
            return path.as_posix()

    def _warn(self, path: Path, message: str, severity: str = WARNING) -> None:
        if self.report is not None and (path, message) not in self._warned:
            self._warned.add((path, message))
            code = "package-json" if path.name == "package.json" else \
                "pnpm-workspace" if path.name == "pnpm-workspace.yaml" else "tsconfig"
            self.report(Diagnostic(severity, self._shown(path), None, message, None, code))

    def read_json(self, path: Path, jsonc: bool = False) -> Any:
        """A JSON file's data (cached), or None when absent; a broken one is warned about once."""
        if path in self._json:
            return self._json[path]
        data = None
        if self.witness is not None:
            self.witness.probed(path)
        try:
            if path.is_file():
                big = too_large(path, self.json_limit)
                if big:
                    self._warn(path, big.replace(": skipped", "") + ": not read for module resolution")
                else:
                    raw = path.read_bytes()
                    if self.witness is not None:
                        self.witness.read(path, raw)
                    text = raw.decode("utf-8", errors="replace")
                    data = json.loads(strip_jsonc(text) if jsonc else text)
        except (OSError, ValueError, RecursionError) as exc:
            self._warn(path, f"cannot read {path.name} ({snippet(str(exc), 120)}): not used for module resolution")
            data = None
        self._json[path] = data
        return data

    def _upward(self, folder: Path) -> Iterable[Path]:
        """``folder`` and its parents, up to the first holding ``.git`` (a repository's top)."""
        for f in (folder, *folder.parents):
            yield f
            try:
                if self._probe(f / ".git").exists():
                    return
            except OSError:
                return

    # -- tsconfig ------------------------------------------------------------------------
    def tsconfig_for(self, folder: Path) -> Optional[TsPaths]:
        """The resolution settings of the tsconfig.json nearest ``folder`` (None: none there)."""
        if folder in self._tsconfig_at:
            return self._tsconfig_at[folder]
        found = None
        walked = []
        for f in self._upward(folder):
            if f in self._tsconfig_at:
                found = self._tsconfig_at[f]
                break
            walked.append(f)
            path = f / "tsconfig.json"
            if self._probe(path).is_file():
                found = self.tsconfig(path)
                break
        for f in walked:
            self._tsconfig_at[f] = found
        return found

    def tsconfig(self, path: Path) -> Optional[TsPaths]:
        """``path``'s ``baseUrl`` and ``paths``, its ``extends`` chain followed."""
        if path not in self._tsconfig_file:
            self._tsconfig_file[path] = None  # a cycle of extends ends here
            options = self._options(path, 0)
            self._tsconfig_file[path] = self._ts_paths(path, options) if options is not None else None
        return self._tsconfig_file[path]

    def _options(self, path: Path, depth: int) -> Optional[dict]:
        """``{"baseUrl": (value, folder), "paths": (value, folder)}`` of ``path`` and what it extends
        (a later ``extends`` over an earlier one, the file's own over both)."""
        data = self.read_json(path, jsonc=True)
        if not isinstance(data, dict):
            return None
        merged: dict[str, tuple[Any, Path]] = {}
        extends = data.get("extends")
        if depth < MAX_EXTENDS and extends is not None:
            for spec in (extends if isinstance(extends, list) else [extends]):
                if not isinstance(spec, str) or not spec or "\0" in spec:
                    self._warn(path, "`extends` is not a path: not followed")
                    continue
                parent = self._extends_file(path.parent, spec)
                if parent is None and not spec.startswith((".", "/")) and \
                        self.local_package(path.parent, package_name(spec)[0], linked_only=False) is None:
                    # a package from the registry, not installed here (@tsconfig/node22): its
                    # compiler settings are not read; such shared bases declare no paths
                    self._warn(path, f"`extends` {snippet(spec, 80)!r} is a package that is not installed "
                                     "here: its settings are not read", INFO)
                    continue
                if parent is None:
                    self._warn(path, f"`extends` {snippet(spec, 80)!r} names no file found here or in a "
                                     "workspace package: its `paths` and `baseUrl` are not used")
                    continue
                inherited = self._options(parent, depth + 1) if parent != path else None
                merged.update(inherited or {})
        options = data.get("compilerOptions")
        if options is None:
            return merged
        if not isinstance(options, dict):
            self._warn(path, "`compilerOptions` is not an object: its path aliases are not used")
            return merged
        for key in ("baseUrl", "paths"):
            if key in options:
                merged[key] = (options[key], path.parent)
        return merged

    def _extends_file(self, folder: Path, spec: str) -> Optional[Path]:
        if spec.startswith((".", "/")):
            base = folder / spec if not spec.startswith("/") else Path(spec)
            for c in (base, Path(str(base) + ".json"), base / "tsconfig.json"):
                if self._probe(c).is_file():
                    return c
            return None
        name, subpath = package_name(spec)
        package = self.local_package(folder, name, linked_only=False)
        if package is None:
            return None
        if subpath == ".":
            data = self.read_json(package / "package.json")
            field = data.get("tsconfig") if isinstance(data, dict) else None
            subpath = field if isinstance(field, str) else "./tsconfig.json"
        base = package / subpath
        for c in (base, Path(str(base) + ".json"), base / "tsconfig.json"):
            if self._probe(c).is_file():
                return c
        return None

    def _ts_paths(self, path: Path, options: dict) -> TsPaths:
        base_url = None
        raw, where = options.get("baseUrl", (None, path.parent))
        if raw is not None:
            if isinstance(raw, str) and len(raw) <= MAX_ALIAS_CHARS and "\0" not in raw:
                base_url = Path(os.path.normpath(where / raw))
            else:
                self._warn(path, "`compilerOptions.baseUrl` is not a path: its path aliases are not used")
                return TsPaths(path, None, ())
        paths, where = options.get("paths", (None, path.parent))
        if paths is None:
            return TsPaths(path, base_url, ())
        if not isinstance(paths, dict):
            self._warn(path, "`compilerOptions.paths` is not an object: its path aliases are not used")
            return TsPaths(path, base_url, ())
        if len(paths) > MAX_ALIASES:
            self._warn(path, f"`compilerOptions.paths` has over {MAX_ALIASES} entries: its path aliases are not used")
            return TsPaths(path, base_url, ())
        base = base_url or where  # paths resolve from baseUrl, else from the tsconfig declaring them
        out = []
        for pattern, targets in paths.items():
            ok = (isinstance(targets, list) and len(targets) <= MAX_ALIASES
                  and all(isinstance(t, str) and len(t) <= MAX_ALIAS_CHARS and "\0" not in t for t in targets))
            if not ok or len(pattern) > MAX_ALIAS_CHARS or pattern.count("*") > 1:
                self._warn(path, f"`compilerOptions.paths` entry {snippet(pattern, 60)!r} is not a short pattern "
                                 "with a list of paths: skipped")
                continue
            prefix, _, suffix = pattern.partition("*")
            out.append((pattern, prefix, suffix, tuple(os.path.normpath(base / t) for t in targets)))
        # an exact pattern first, then the longest prefix (as TypeScript picks the best match)
        out.sort(key=lambda p: ("*" in p[0], -len(p[1])))
        return TsPaths(path, base_url, tuple(out))

    # -- packages ------------------------------------------------------------------------
    def workspace_root(self, folder: Path) -> Optional[Path]:
        """The folder of the workspace ``folder`` belongs to (pnpm-workspace.yaml, or a
        package.json with ``workspaces``), or None."""
        if folder in self._workspace_at:
            return self._workspace_at[folder]
        found = None
        walked = []
        for f in self._upward(folder):
            if f in self._workspace_at:
                found = self._workspace_at[f]
                break
            walked.append(f)
            if workspace_patterns(f, self) is not None:
                found = f
                break
        for f in walked:
            self._workspace_at[f] = found
        return found

    def workspace_packages(self, root: Path) -> dict[str, Path]:
        """The workspace's packages by ``name`` (the first folder of a name wins)."""
        if root not in self._workspaces:
            found: dict[str, Path] = {}
            for folder in expand_workspace(root, workspace_patterns(root, self) or [], self.witness):
                data = self.read_json(folder / "package.json")
                name = data.get("name") if isinstance(data, dict) else None
                if isinstance(name, str) and name not in found:
                    found[name] = folder
            self._workspaces[root] = found
        return self._workspaces[root]

    def package_of(self, folder: Path) -> Optional[Path]:
        """The folder of the package.json nearest ``folder`` (the package a file belongs to)."""
        if folder in self._package_at:
            return self._package_at[folder]
        found = None
        for f in self._upward(folder):
            if self._probe(f / "package.json").is_file():
                found = f
                break
        self._package_at[folder] = found
        return found

    def local_package(self, folder: Path, name: str, linked_only: bool = True) -> Optional[Path]:
        """The folder of the package ``name`` as seen from ``folder``, when it is the project's own:
        the importing package itself, a workspace package, or a ``node_modules`` link to a folder
        outside any ``node_modules`` (``linked_only`` False: any installed package, for ``extends``)."""
        if not name or name.startswith(".") or "\\" in name:
            return None
        own = self.package_of(folder)
        if own is not None:
            data = self.read_json(own / "package.json")
            if isinstance(data, dict) and data.get("name") == name:
                return own
        ws = self.workspace_root(folder)
        if ws is not None:
            found = self.workspace_packages(ws).get(name)
            if found is not None:
                return found
        for f in self._upward(folder):
            link = f / "node_modules" / name
            try:
                if not self._probe(link).is_dir():
                    continue
                real = link.resolve()
            except (OSError, RuntimeError):
                continue
            if not linked_only or "node_modules" not in real.parts:
                return real
            return None
        return None

    def package_entry(self, package: Path, subpath: str, spec: str) -> Resolution:
        """The file ``subpath`` (``.``, ``./x``) of the local package in ``package``."""
        pj = package / "package.json"
        data = self.read_json(pj)
        data = data if isinstance(data, dict) else {}
        exports = data.get("exports")
        if exports is not None:
            targets = exports_targets(exports, subpath)
            if targets is None:
                return Resolution(None, True, f"the `exports` of {self._shown(pj)} have no {subpath!r}")
            found = self._first_source(package, targets)
            if found is not None:
                return Resolution(found)
            shown = ", ".join(dict.fromkeys(targets)) or "nothing"
            return Resolution(None, True, f"the `exports` of {self._shown(pj)} map {subpath!r} to {shown}, "
                                          "where no file is")
        if subpath == ".":
            fields = [data.get(k) for k in ("types", "typings", "module", "main")]
            found = self._first_source(package, [f for f in fields if isinstance(f, str)] + ["./index"])
            if found is not None:
                return Resolution(found)
            return Resolution(None, True, f"{self._shown(pj)} names no entry file that exists "
                                          "(`types`, `module`, `main`, index)")
        found = self.file(package / subpath)
        if found is not None:
            return Resolution(found)
        return Resolution(None, True, f"no file {self._shown(package / subpath)} in the package {package_name(spec)[0]}")

    def _first_source(self, package: Path, targets: list[str]) -> Optional[Path]:
        """The first target that is a source file; else the first declaration file."""
        declaration = None
        for t in targets:
            if not isinstance(t, str) or "\0" in t:
                continue
            found = self.file(package / t)
            if found is None:
                continue
            if not found.name.endswith(DECLARATION_SUFFIXES):
                return found
            declaration = declaration or found
        return declaration


def workspace_patterns(folder: Path, reader: Optional[Resolver] = None) -> Optional[list[str]]:
    """The package globs of a workspace rooted at ``folder`` (``pnpm-workspace.yaml``'s
    ``packages``, else package.json's ``workspaces``), or None when it is no workspace root."""
    yaml_file = folder / "pnpm-workspace.yaml"
    if reader is not None and reader.witness is not None:
        reader.witness.probed(yaml_file)
    try:
        has_yaml = yaml_file.is_file()
    except OSError:
        has_yaml = False
    if has_yaml:
        data = read_yaml(yaml_file, reader)
        packages = data.get("packages") if isinstance(data, dict) else None
        return [p for p in packages if isinstance(p, str)] if isinstance(packages, list) else []
    data = reader.read_json(folder / "package.json") if reader is not None else _plain_json(folder / "package.json")
    if not isinstance(data, dict) or "workspaces" not in data:
        return None
    ws = data["workspaces"]
    if isinstance(ws, dict):  # yarn's {packages: [...], nohoist: [...]}
        ws = ws.get("packages")
    return [p for p in ws if isinstance(p, str)] if isinstance(ws, list) else []


def _plain_json(path: Path) -> Any:
    try:
        if not path.is_file() or too_large(path, json_max()):
            return None
        return json.loads(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, ValueError, RecursionError):
        return None


def read_yaml(path: Path, reader: Optional[Resolver] = None) -> Any:
    """A YAML file's data (pnpm-workspace.yaml), or None when it cannot be read (a warning
    through ``reader``, when given)."""
    import yaml

    try:
        big = too_large(path, json_max())
        if big:
            if reader is not None:
                reader._warn(path, big.replace(": skipped", "") + ": its packages are not read")
            return None
        raw = path.read_bytes()
        if reader is not None and reader.witness is not None:
            reader.witness.read(path, raw)
        return yaml.safe_load(raw.decode("utf-8", errors="replace"))
    except (OSError, ValueError, RecursionError, yaml.YAMLError) as exc:
        if reader is not None:
            reader._warn(path, f"cannot read pnpm-workspace.yaml ({snippet(str(exc), 120)}): its packages are not used")
        return None


def expand_workspace(root: Path, patterns: list[str], witness: Optional[Witness] = None) -> list[Path]:
    """The package folders (holding a package.json) the workspace globs name, in order; ``!x``
    removes; ``*`` is one folder name, ``**`` any depth (never into node_modules or dot folders);
    what decided it is recorded in ``witness``, if given."""
    keep: dict[Path, None] = {}
    for raw in patterns:
        negate = raw.startswith("!")
        pattern = raw[1:] if negate else raw
        pattern = pattern.strip().rstrip("/")
        while pattern.startswith("./"):
            pattern = pattern[2:]
        if not pattern or pattern.startswith("/") or ".." in pattern.split("/"):
            continue
        matched = [f for f in _glob_folders(root, pattern.split("/"), None, witness)
                   if _probed(f / "package.json", witness).is_file()]
        for f in matched:
            if negate:
                keep.pop(f, None)
            elif len(keep) < MAX_WORKSPACE_PACKAGES:
                keep[f] = None
    return list(keep)


def _probed(path: Path, witness: Optional[Witness]) -> Path:
    if witness is not None:
        witness.probed(path)
    return path


def _glob_folders(base: Path, parts: list[str], budget: Optional[list] = None,
                  witness: Optional[Witness] = None) -> list[Path]:
    budget = budget if budget is not None else [20000]  # folders looked at, at most
    if not parts:
        return [base]
    head, rest = parts[0], parts[1:]
    if head == "**":
        out = _glob_folders(base, rest, budget, witness)
        for child in _children(base, budget, witness):
            out += _glob_folders(child, parts, budget, witness)
        return out
    if not any(c in head for c in "*?[{"):
        nxt = base / head
        return _glob_folders(nxt, rest, budget, witness) if _probed(nxt, witness).is_dir() else []
    regex = re.compile(_glob_regex(head))
    return [f for child in _children(base, budget, witness) if regex.fullmatch(child.name)
            for f in _glob_folders(child, rest, budget, witness)]


def _children(folder: Path, budget: list, witness: Optional[Witness] = None) -> list[Path]:
    if witness is not None:
        witness.listed(folder)
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError:
        return []
    out = []
    for e in entries:
        if budget[0] <= 0:
            break
        if e.name in SKIP_DIRS or e.name.startswith("."):
            continue
        try:
            if e.is_dir() and not e.is_symlink():
                budget[0] -= 1
                out.append(e)
        except OSError:
            continue
    return out


def _glob_regex(part: str) -> str:
    out = []
    for c in part:
        out.append("[^/]*" if c == "*" else "[^/]" if c == "?" else re.escape(c))
    return "".join(out)
