"""What the tests of every app share: the fixture county (`world`), the builders that
drive cases through the lifecycle (`factories`), the figures' hand-computed history
(`figures`), threads released together (`threads`) and the browser's helpers
(`browser`). The pytest fixtures live in daiban/conftest.py."""
