"""What every page of the plugin needs: the archive datasette serves, and a page to render."""
from __future__ import annotations

from datasette.utils.asgi import NotFound, Response


async def archive_db(datasette, request):
    """The served archive (govarchive serves one file); 404 when datasette serves something else."""
    db = datasette.get_database()
    await datasette.ensure_permissions(request.actor, [("view-database", db.name), "view-instance"])
    if not await db.table_exists("reports"):
        raise NotFound(f"{db.name} is not a govarchive archive")
    return db


async def rows(db, sql: str, params=None) -> list[dict]:
    result = await db.execute(sql, params or [])
    return [dict(r) for r in result.rows]


async def one(db, sql: str, params=None) -> dict | None:
    found = await rows(db, sql, params)
    return found[0] if found else None


async def page(datasette, request, template: str, context: dict) -> Response:
    db = datasette.get_database()
    context = {"database": db.name, **context}
    return Response.html(await datasette.render_template(template, context, request=request))
