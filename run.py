"""Development entry point: `python run.py` (or `make run`) serves on http://127.0.0.1:5000.

In production use gunicorn: `gunicorn -w 4 -b 127.0.0.1:8000 "app:create_app('production')"`.
"""

from app import create_app

app = create_app()

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=5000)
