"""Response schemas of ``/api/v1`` (they make the OpenAPI document useful)."""

from __future__ import annotations

from datetime import datetime
from typing import Generic, TypeVar

from pydantic import BaseModel

T = TypeVar("T")


class PageOf(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int
    pages: int


class TimeLimit(BaseModel):
    value: int
    unit: str


class Ref(BaseModel):
    slug: str
    name: str | None
    url: str
    api_url: str


class CategoryRead(BaseModel):
    code: str
    slug: str
    name: str
    summary: str
    service_count: int
    url: str


class ServiceSummary(BaseModel):
    id: str
    slug: str
    name: str | None
    description: str | None
    category: str
    department: Ref
    channels: list[str]
    cross_border: bool
    url: str
    api_url: str


class DocumentRef(BaseModel):
    key: str | None
    name: str | None
    url: str | None


class FaqRead(BaseModel):
    question: str | None
    answer: str | None


class ServiceRead(ServiceSummary):
    eligibility: str | None
    steps: list[str]
    fees: str | None
    legal_basis: str | None
    promised_time_limit: TimeLimit | None
    statutory_time_limit: TimeLimit | None
    visits: int
    item_code: str | None
    documents: list[DocumentRef]
    faqs: list[FaqRead]
    modified_at: datetime
    machine_converted: list[str]
    illustrative: bool = True


class ServicePage(PageOf[ServiceSummary]):
    pass


class DocumentTypeRead(BaseModel):
    key: str
    name: str | None
    description: str | None
    service_count: int
    url: str
    api_url: str


class DocumentTypeDetail(DocumentTypeRead):
    services: list[ServiceSummary]


class PlaceRef(BaseModel):
    slug: str
    name: str | None
    url: str
    api_url: str


class OrganizationRead(BaseModel):
    id: str
    slug: str
    kind: str
    name: str | None
    description: str | None
    tags: list[str]
    hk_background: bool
    place: PlaceRef | None
    parent: str | None
    url: str
    api_url: str


class OrganizationPage(PageOf[OrganizationRead]):
    pass


class MapBox(BaseModel):
    x: int
    y: int
    width: int
    height: int


class PlaceRead(BaseModel):
    id: str
    slug: str
    kind: str | None
    name: str | None
    description: str | None
    latitude: float | None
    longitude: float | None
    map: MapBox | None
    url: str
    api_url: str


class PlaceDetail(PlaceRead):
    organizations: list[OrganizationRead]


class JourneySummary(BaseModel):
    slug: str
    title: str
    summary: str
    url: str
    api_url: str


class OptionRead(BaseModel):
    id: str
    label: str


class QuestionRead(BaseModel):
    id: str
    kind: str
    text: str
    hint: str | None
    options: list[OptionRead]
    #: Whether "don't know" (``dont_know``) is an accepted answer.
    allows_dont_know: bool
    #: False when the question is asked only after certain answers to earlier ones.
    always_asked: bool
    url: str


class JourneyRead(JourneySummary):
    intro: str
    questions: list[QuestionRead]
