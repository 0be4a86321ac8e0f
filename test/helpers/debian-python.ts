// The Python the tests use: Debian's /usr/bin/python3 (with python3-yaml, python3-h5py), not whatever python3
// is first on PATH, so a developer's conda or venv cannot change what the tests see. Whether it is there,
// and with which modules, is in requirements.ts.
export const PY = "/usr/bin/python3";
