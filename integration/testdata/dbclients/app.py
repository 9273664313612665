"""A WSGI app that uses the database client libraries of the run image:
MariaDB through mysqlclient (/mysql), ODBC through pyodbc (/odbc), and a
package installed from a git repository (/vcs). Connection settings come from
the environment: DB_HOST, DB_USER, DB_PASSWORD, DB_NAME, MARIADB_PORT,
POSTGRES_PORT."""
import json
import os


def mysql():
    import MySQLdb

    conn = MySQLdb.connect(host=os.environ["DB_HOST"], port=int(os.environ["MARIADB_PORT"]),
                           user=os.environ["DB_USER"], password=os.environ["DB_PASSWORD"],
                           database=os.environ["DB_NAME"])
    cur = conn.cursor()
    cur.execute("CREATE TEMPORARY TABLE visits (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(50))")
    cur.execute("INSERT INTO visits (note) VALUES (%s)", ("written by mysqlclient",))
    cur.execute("SELECT note FROM visits")
    note = cur.fetchone()[0]
    cur.execute("SELECT VERSION()")
    server = cur.fetchone()[0]
    conn.close()
    return {"note": note, "server": server, "module": MySQLdb._mysql.__file__}


def odbc():
    import pyodbc

    conn = pyodbc.connect("DRIVER={PostgreSQL Unicode};SERVER=%s;PORT=%s;DATABASE=%s;UID=%s;PWD=%s" % (
        os.environ["DB_HOST"], os.environ["POSTGRES_PORT"], os.environ["DB_NAME"],
        os.environ["DB_USER"], os.environ["DB_PASSWORD"]))
    answer = conn.cursor().execute("SELECT 40 + 2").fetchone()[0]
    conn.close()
    return {"drivers": pyodbc.drivers(), "answer": answer}


def vcs():
    import greeting

    return {"greeting": greeting.greet(), "file": greeting.__file__}


ROUTES = {"/mysql": mysql, "/odbc": odbc, "/vcs": vcs}


def app(environ, start_response):
    route = ROUTES.get(environ.get("PATH_INFO", "/"))
    if route is None:
        status, body = "404 Not Found", {"routes": sorted(ROUTES)}
    else:
        try:
            status, body = "200 OK", route()
        except Exception as e:  # shown to the test
            status, body = "500 Internal Server Error", {"error": repr(e)}
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]
