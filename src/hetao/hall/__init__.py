"""The service hall (一門): counters, appointments, queue tickets, rooms, events, information and ratings."""

from hetao.hall.counters import counters_serving, get_counter, list_counters, opening_periods
from hetao.hall.models import Counter
from hetao.hall.room_event_models import Event, EventRegistration, Room, RoomBooking
from hetao.hall.sample import hall_is_empty, load_hall_sample

__all__ = [
    "Counter",
    "Event",
    "EventRegistration",
    "Room",
    "RoomBooking",
    "counters_serving",
    "get_counter",
    "hall_is_empty",
    "list_counters",
    "load_hall_sample",
    "opening_periods",
]
