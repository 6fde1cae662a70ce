"""The metadata of every domain's models, for migrations and test set-up."""

import hetao.accounts.models  # noqa: F401  (registers the tables)
import hetao.cases.models  # noqa: F401
import hetao.catalog.models  # noqa: F401
import hetao.directory.models  # noqa: F401
import hetao.hall.appointment_models  # noqa: F401
import hetao.hall.info_models  # noqa: F401
import hetao.hall.models  # noqa: F401
import hetao.hall.queue_models  # noqa: F401
import hetao.hall.rating_models  # noqa: F401
import hetao.hall.room_event_models  # noqa: F401
import hetao.jobs.models  # noqa: F401
import hetao.journeys.revisions  # noqa: F401
import hetao.notify.models  # noqa: F401
import hetao.search.models  # noqa: F401
from hetao.core.db import Base

metadata = Base.metadata
