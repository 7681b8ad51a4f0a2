# Sourced by the scripts in this folder: makes the repository's virtual environment `.venv`
# (python3 -m venv) and installs assurance-map into it, editable, with the extras asked for.
# Installing is skipped while pyproject.toml and the extras are unchanged since the last time.

VENV="$PWD/.venv"
PY="$VENV/bin/python"

use_venv() {  # use_venv [EXTRA,...]
    local spec="." stamp
    [ -n "${1:-}" ] && spec=".[$1]"
    if [ ! -x "$PY" ]; then
        if ! python3 -m venv "$VENV"; then
            echo "python3 -m venv failed: install Python 3.11+ with its venv module (Debian: apt-get install python3-venv)" >&2
            exit 1
        fi
    fi
    stamp="$VENV/.installed-$(printf '%s' "${1:-base}" | tr ',' '-')"
    if [ ! -f "$stamp" ] || ! cmp -s pyproject.toml "$stamp"; then
        "$PY" -m pip install -q --disable-pip-version-check -e "$spec"
        cp pyproject.toml "$stamp"
    fi
}
