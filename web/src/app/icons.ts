/** Icons that templates and menu entries name as strings, registered globally by main.ts. */
export {
  Coin,
  Connection,
  CopyDocument,
  Document,
  Download,
  InfoFilled,
  Key,
  Loading,
  Monitor,
  Odometer,
  Plus,
  Refresh,
  Search,
  Setting,
  User,
  WarningFilled,
} from '@element-plus/icons-vue';
