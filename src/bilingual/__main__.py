from bilingual.cli import main

raise SystemExit(main())
