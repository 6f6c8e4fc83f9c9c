"""The dashboard's page routes, in the order the application includes them."""

from __future__ import annotations

from fastapi import APIRouter

from thrombo.web.routes import admin_pages, pages, watch_pages

ROUTERS: tuple[APIRouter, ...] = (pages.router, watch_pages.router, admin_pages.router)
